using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Health;

namespace ModelRegistry.Dashboard.Tests.Demo;

/// <summary>What the load generator measures from one response, against a stubbed model endpoint.</summary>
public sealed class DemoChatClientTests
{
    private static readonly SeriesKey Series = new("staging", "support-chat", "2.0.0");
    private static readonly ChatCompletionRequest Request = new("support-chat", [new ChatMessage("user", "Where is my order?")]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DemoChatClient Client(HttpMessageHandler handler, double timeoutSeconds = 30) =>
        new(new StubHttpClientFactory(handler), new FixedOptions<DemoTrafficOptions>(new DemoTrafficOptions { TimeoutSeconds = timeoutSeconds }), TimeProvider.System);

    [Fact]
    public async Task A_completion_is_measured_with_its_usage_tokens_at_the_chat_completions_path()
    {
        var handler = new StubHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = JsonContent.Create(new ChatCompletionResponse("chatcmpl-1", "chat.completion", 0, "m",
                [new ChatChoice(0, new ChatMessage("assistant", "Tomorrow."), "stop")], new ChatUsage(12, 34, 46))),
        }));

        var measured = await Client(handler).SendAsync(Series, "http://m.test/demo-backends/support-chat/2.0.0/", Request, Ct);

        Assert.Equal(new Uri("http://m.test/demo-backends/support-chat/2.0.0/v1/chat/completions"), Assert.Single(handler.Requested));
        Assert.True(measured.Success);
        Assert.Equal(Series, measured.Series);
        Assert.Equal((12, 34), (measured.InputTokens, measured.OutputTokens));
        Assert.Null(measured.ErrorType);
        Assert.True(measured.LatencyMs >= 0);
        Assert.Equal(DateTimeKind.Utc, measured.Timestamp.Kind);
    }

    [Fact]
    public async Task A_500_is_a_failed_request_typed_by_its_status()
    {
        var measured = await Client(StubHandler.Status(HttpStatusCode.InternalServerError)).SendAsync(Series, "http://m.test/", Request, Ct);

        Assert.False(measured.Success);
        Assert.Equal("http_500", measured.ErrorType);
        Assert.Equal((0, 0), (measured.InputTokens, measured.OutputTokens));
    }

    [Fact]
    public async Task A_2xx_without_usage_is_an_invalid_response()
    {
        var handler = new StubHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>not json</html>") }));

        var measured = await Client(handler).SendAsync(Series, "http://m.test/", Request, Ct);

        Assert.False(measured.Success);
        Assert.Equal("invalid_response", measured.ErrorType);
    }

    [Fact]
    public async Task Timeouts_and_refused_connections_are_typed()
    {
        var timedOut = await Client(StubHandler.Hangs(), timeoutSeconds: 0.2).SendAsync(Series, "http://m.test/", Request, Ct);
        var refused = await Client(StubHandler.Throws(new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))))
            .SendAsync(Series, "http://m.test/", Request, Ct);

        Assert.Equal("timeout", timedOut.ErrorType);
        Assert.True(timedOut.LatencyMs >= 150);
        Assert.Equal("connection_refused", refused.ErrorType);
    }
}
