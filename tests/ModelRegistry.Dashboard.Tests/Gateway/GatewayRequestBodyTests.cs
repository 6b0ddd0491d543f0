using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Gateway;

/// <summary>
/// The gateway reads the whole request body to route by its <c>model</c>: with a Content-Length (what OpenAI clients
/// send) and without one (chunked), up to <c>Gateway:MaxRequestBodyBytes</c>, refusing anything larger with 413.
/// </summary>
public sealed class GatewayRequestBodyTests : IAsyncDisposable
{
    private const int Limit = 2048;

    /// <summary>The demo's support-chat route in staging: 90% 1.2.0, 10% the canary 2.0.0.</summary>
    private static readonly string[] StagingVersions = ["1.2.0", "2.0.0"];

    private readonly KestrelDashboardFactory _app = new(new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
        ["Demo:BackendDefaults:ErrorRate"] = "0",
        ["Demo:Backends:support-chat:2.0.0:ErrorRate"] = "0", // the demo's canary in staging (10%) fails a quarter of its requests by design
        ["Demo:BackendDefaults:MedianLatencyMs"] = "2",
        ["Gateway:MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_within_the_limit_is_routed_with_or_without_a_content_length(bool contentLength)
    {
        using var response = await PostAsync(Body(padding: 0), contentLength);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Contains(response.Headers.GetValues("X-Model-Version").Single(), StagingVersions);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_refused_with_413_with_or_without_a_content_length(bool contentLength)
    {
        using var response = await PostAsync(Body(padding: Limit), contentLength);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
    }

    private static byte[] Body(int padding) => Encoding.UTF8.GetBytes(
        $$"""{"model":"support-chat","messages":[{"role":"user","content":"hello{{new string(' ', padding)}}"}]}""");

    private async Task<HttpResponseMessage> PostAsync(byte[] body, bool contentLength)
    {
        using var http = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        HttpContent content = contentLength ? new ByteArrayContent(body) : new ChunkedContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/gateway/staging/v1/chat/completions") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DashboardFactory.ApiKey);
        return await http.SendAsync(request, Ct);
    }

    /// <summary>A body of unknown length: HttpClient sends it chunked, with no Content-Length.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
