using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Demo;

public sealed class DemoBackendFixture : IAsyncDisposable
{
    public KestrelDashboardFactory Factory { get; } = new(new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
        ["Demo:Seed"] = "11",
        ["Demo:BackendDefaults:MedianLatencyMs"] = "0",
        ["Demo:BackendDefaults:ErrorRate"] = "0",
        ["Demo:Backends:flaky-chat:1.0.0:ErrorRate"] = "0.2",
        ["Demo:Backends:flaky-chat:1.0.0:CompletionTokens"] = "100",
        ["Demo:Backends:down-chat:1.0.0:Healthy"] = "false",
    });

    public HttpClient Client => field ??= new HttpClient { BaseAddress = new Uri(Factory.BaseUrl) };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}

/// <summary>The simulated model endpoints the app hosts when the demo is on, over real HTTP.</summary>
public sealed class DemoBackendEndpointTests(DemoBackendFixture fixture) : IClassFixture<DemoBackendFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Chat(string content = "Where is my order #48213?") =>
        new { model = "flaky-chat", messages = new[] { new { role = "system", content = "Be brief." }, new { role = "user", content } } };

    [Fact]
    public async Task A_chat_completion_answers_in_the_openai_shape_with_usage_tokens()
    {
        var response = await _client.PostAsJsonAsync("/demo-backends/steady-chat/1.0.0/v1/chat/completions", Chat(), Ct);

        var body = await response.ReadJsonAsync();
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("flaky-chat", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("message").GetProperty("content").GetString()));
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = body.GetProperty("usage");
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.InRange(prompt, 8, 30);
        Assert.InRange(completion, 120, 200); // the built-in 160 ± 25%
        Assert.Equal(prompt + completion, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task A_version_configured_with_20_percent_errors_fails_about_one_request_in_five()
    {
        var failures = 0;
        for (var i = 0; i < 300; i++)
        {
            var response = await _client.PostAsJsonAsync("/demo-backends/flaky-chat/1.0.0/v1/chat/completions", Chat(), Ct);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            if (response.StatusCode == HttpStatusCode.InternalServerError)
            {
                failures++;
                Assert.Equal("server_error", body.GetProperty("error").GetProperty("type").GetString());
                Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetProperty("message").GetString()));
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.InRange(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 75, 125);
            }
        }

        // Seeded, so the count is the same every run; the band is what "about 20%" means for 300 requests (±3σ ≈ ±21).
        Assert.InRange(failures, 39, 81);
    }

    [Fact]
    public async Task Health_answers_200_unless_the_version_is_configured_unhealthy()
    {
        var healthy = await _client.GetAsync("/demo-backends/steady-chat/1.0.0/health", Ct);
        var down = await _client.GetAsync("/demo-backends/down-chat/1.0.0/health", Ct);

        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, down.StatusCode);
        var body = await down.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("Healthy=false", body.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_without_messages_is_refused_with_an_openai_error_naming_messages()
    {
        var response = await _client.PostAsJsonAsync("/demo-backends/steady-chat/1.0.0/v1/chat/completions", new { model = "x", messages = Array.Empty<object>() }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Without_the_demo_there_are_no_demo_backends()
    {
        await using var plain = new DashboardFactory();

        var response = await plain.CreateClient().GetAsync("/demo-backends/steady-chat/1.0.0/health", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
