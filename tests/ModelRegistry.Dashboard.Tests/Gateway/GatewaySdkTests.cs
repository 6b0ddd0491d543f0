using System.ClientModel;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace ModelRegistry.Dashboard.Tests.Gateway;

/// <summary>
/// Issue 11's contract as an OpenAI SDK caller sees it: the official client pointed at
/// <c>{app}/gateway/{environment}/v1/</c> on the real app on Kestrel, the demo catalogue's routes, and its demo backends.
/// </summary>
public sealed class GatewaySdkTests : IAsyncDisposable
{
    private readonly KestrelDashboardFactory _app = new(new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
        ["Demo:BackendDefaults:ErrorRate"] = "0",
        ["Demo:Backends:support-chat:2.0.0:ErrorRate"] = "0", // the demo's staging canary, which may take 10% once its deployment ticks
        ["Demo:BackendDefaults:MedianLatencyMs"] = "2",
    });

    private static readonly string[] StagingVersions = ["1.2.0", "2.0.0"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_chat_completion_reaches_the_routed_version_and_names_it_in_the_response()
    {
        var client = Client("support-chat", "staging");

        var result = await client.CompleteChatAsync([new UserChatMessage("Where is my order?")], cancellationToken: Ct);

        Assert.NotEmpty(result.Value.Content);
        var headers = result.GetRawResponse().Headers;
        Assert.True(headers.TryGetValue("X-Model-Version", out var version));
        Assert.Contains(version, StagingVersions); // the demo route in staging: 1.2.0, and 2.0.0 once the demo canary takes its 10%
        Assert.True(headers.TryGetValue("X-Route-Revision", out var revision));
        Assert.True(long.Parse(revision!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task A_route_write_is_honoured_by_the_very_next_request()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        var before = await http.GetFromJsonAsync<JsonElement>("/api/v1/environments/staging/routes/support-chat", Ct);
        // The gateway has read (and holds) the old route before the write.
        var first = await Client("support-chat", "staging").CompleteChatAsync([new UserChatMessage("hello")], cancellationToken: Ct);
        Assert.True(first.GetRawResponse().Headers.TryGetValue("X-Model-Version", out var old));
        Assert.Contains(old, StagingVersions);
        using (var launch = await http.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = "support-chat", version = "2.0.0", environment = "staging", strategy = "direct",
            acknowledgeBreakingChange = true, reason = "gateway route test",
        }, Ct))
        {
            launch.EnsureSuccessStatusCode();
        }

        // The moment the route service has written the new route, with no wait for any refresh.
        JsonElement route = default;
        await Poll.UntilAsync(
            async () =>
            {
                route = await http.GetFromJsonAsync<JsonElement>("/api/v1/environments/staging/routes/support-chat", Ct);
                return route.GetProperty("revision").GetInt64() > before.GetProperty("revision").GetInt64();
            },
            TimeSpan.FromSeconds(30),
            _ => "the direct deployment never wrote the route");
        var result = await Client("support-chat", "staging").CompleteChatAsync([new UserChatMessage("hello")], cancellationToken: Ct);

        var headers = result.GetRawResponse().Headers;
        Assert.True(headers.TryGetValue("X-Model-Version", out var version));
        Assert.Equal("2.0.0", version);
        Assert.True(headers.TryGetValue("X-Route-Revision", out var revision));
        Assert.Equal(route.GetProperty("revision").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), revision);
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_the_sdk_reads_as_an_OpenAI_error()
    {
        var client = Client("no-such-model", "staging");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_the_app_does_not_know_is_refused_with_401()
    {
        var client = Client("support-chat", "staging", apiKey: "not-a-key-of-this-app");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(401, error.Status);
    }

    private ChatClient Client(string model, string environment, string apiKey = DashboardFactory.ApiKey) =>
        new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = new Uri($"{_app.BaseUrl}/gateway/{environment}/v1/") })
            .GetChatClient(model);
}
