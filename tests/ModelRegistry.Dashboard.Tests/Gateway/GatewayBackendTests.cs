using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace ModelRegistry.Dashboard.Tests.Gateway;

/// <summary>
/// The gateway against model servers of its own (<see cref="FakeOpenAIBackend"/> on Kestrel) with the official OpenAI
/// SDK as the caller: streaming with usage and time to first token, embeddings, health gating, and canaries judged on
/// nothing but the traffic the gateway measured (nobody posts a metric event).
/// </summary>
public sealed class GatewayBackendTests : IAsyncLifetime
{
    private const string Environment = "staging";
    private readonly KestrelDashboardFactory _app = new(new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
        ["Health:IntervalSeconds"] = "1",
        ["Health:TimeoutSeconds"] = "1",
    });

    private readonly string _model = Seed.UniqueName("gw");
    private FakeOpenAIBackend _stable = null!;
    private FakeOpenAIBackend _canary = null!;
    private HttpClient _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stable = await FakeOpenAIBackend.StartAsync("stable");
        _canary = await FakeOpenAIBackend.StartAsync("canary");
        _api = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        await Seed.ModelAsync(_api, _model);
        await Seed.VersionAsync(_api, _model, "1.0.0", _stable.Endpoint);
        await Seed.VersionAsync(_api, _model, "1.1.0", _canary.Endpoint, new ModelRegistry.Dashboard.Registry.VersionMetadata(UpstreamModel: "vendor-model-1.1"));
        await SetSplitsAsync(("1.0.0", 100));
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _app.DisposeAsync();
        await _stable.DisposeAsync();
        await _canary.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_passes_through_with_its_usage_and_time_to_first_token_measured()
    {
        _stable.FirstTokenDelay = TimeSpan.FromMilliseconds(150);
        var chat = Client().GetChatClient(_model);

        var text = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("stream please")], new ChatCompletionOptions(), Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("hello from stable", text.ToString());
        // The SDK asks for usage in the final chunk (stream_options.include_usage); the gateway read it from there.
        var summary = await SummaryAsync("1.0.0", s => s.Requests == 1);
        Assert.Equal((13L, 3L), (summary.InputTokens, summary.OutputTokens));
        Assert.Equal(1, summary.StreamedRequests);
        Assert.InRange(summary.AvgTimeToFirstTokenMs, 150, summary.AvgLatencyMs * 1.01);
    }

    [Fact]
    public async Task A_stream_without_a_usage_chunk_counts_with_unknown_tokens()
    {
        using var response = await PostAsync("chat/completions", new { model = _model, stream = true, messages = new[] { new { role = "user", content = "hi" } } }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        var summary = await SummaryAsync("1.0.0", s => s.Requests == 1);
        Assert.Equal((0L, 0L, 1L), (summary.InputTokens, summary.OutputTokens, summary.StreamedRequests));
    }

    [Fact]
    public async Task Embeddings_reach_the_routed_version_with_its_upstream_model_id_and_their_tokens_are_counted()
    {
        await SetSplitsAsync(("1.1.0", 100));
        var embeddings = Client().GetEmbeddingClient(_model);

        var result = await embeddings.GenerateEmbeddingAsync("parcel delayed", cancellationToken: Ct);

        Assert.Equal([0.1f, 0.2f, 0.3f], result.Value.ToFloats().ToArray());
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Model-Version", out var version));
        Assert.Equal("1.1.0", version);
        Assert.Equal("vendor-model-1.1", _canary.LastModel);
        var summary = await SummaryAsync("1.1.0", s => s.Requests == 1);
        Assert.Equal((5L, 0L), (summary.InputTokens, summary.StreamedRequests));
    }

    [Fact]
    public async Task An_upstream_error_reaches_the_sdk_as_an_OpenAI_error_and_counts_against_the_version()
    {
        _stable.FailureShare = 1;

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client().GetChatClient(_model).CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(500, error.Status);
        Assert.Contains("simulated", error.Message, StringComparison.Ordinal);
        // The SDK retries a 500 (its default policy); every attempt was measured, and every one as an error.
        var summary = await SummaryAsync("1.0.0", s => s.Requests == _stable.Requests);
        Assert.True(summary.Requests >= 1);
        Assert.Equal(summary.Requests, summary.Errors);
    }

    [Fact]
    public async Task The_gateway_s_security_headers_replace_the_upstream_s_rather_than_merging_with_them()
    {
        _stable.AnswerHeaders["X-Frame-Options"] = "SAMEORIGIN";
        _stable.AnswerHeaders["Content-Security-Policy"] = "default-src *";
        _stable.AnswerHeaders["Strict-Transport-Security"] = "max-age=1";
        _stable.AnswerHeaders["X-Upstream-Trace"] = "kept";

        using var response = await PostAsync("chat/completions", new { model = _model, messages = new[] { new { role = "user", content = "hi" } } }, Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.StartsWith("default-src 'self';", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "Development over plain HTTP sends no HSTS, the upstream's included");
        Assert.Equal("kept", Assert.Single(response.Headers.GetValues("X-Upstream-Trace")));
    }

    [Fact]
    public async Task An_unhealthy_version_gets_no_requests_and_its_share_goes_to_the_primary()
    {
        _canary.Healthy = false;
        await SetSplitsAsync(("1.0.0", 50), ("1.1.0", 50));
        var health = _app.GetRequiredService<HealthRegistry>();
        await Poll.UntilAsync(
            () => Task.FromResult(health.Get(_model, "1.1.0").Status == HealthStatus.Unhealthy),
            TimeSpan.FromSeconds(20),
            _ => "the canary's failing /health never made it unhealthy");
        var before = _canary.Requests;

        for (var i = 0; i < 200; i++)
        {
            using var response = await PostAsync("chat/completions", new { model = _model, messages = new[] { new { role = "user", content = "hi" } } }, Ct, session: $"user-{i}");
            Assert.Equal("1.0.0", response.Headers.GetValues("X-Model-Version").Single());
        }

        Assert.Equal(before, _canary.Requests);
        Assert.Equal(200, _stable.Requests);

        // Healthy again, it gets its share back.
        _canary.Healthy = true;
        await Poll.UntilAsync(
            () => Task.FromResult(health.Get(_model, "1.1.0").Status != HealthStatus.Unhealthy),
            TimeSpan.FromSeconds(20),
            _ => "the canary never became healthy again");
        for (var i = 0; i < 100; i++)
        {
            using var response = await PostAsync("chat/completions", new { model = _model, messages = new[] { new { role = "user", content = "hi" } } }, Ct);
        }

        Assert.InRange(_canary.Requests - before, 20, 80); // 50% of 100, far outside chance otherwise
    }

    [Fact]
    public async Task A_canary_failing_half_its_requests_through_the_gateway_rolls_back_with_no_metric_event_posted()
    {
        _canary.FailureShare = 0.5;

        var (status, deployment) = await RunCanaryAsync();

        Assert.Equal("rolledBack", status);
        Assert.Equal([("1.0.0", 100)], await SplitsAsync());
        var canary = await SummaryAsync("1.1.0", _ => true);
        Assert.True(canary.Errors > 0, $"the gateway recorded no canary errors: {canary}");
        Assert.Contains("error", deployment.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_same_canary_answering_429_to_30_percent_of_requests_does_not_roll_back()
    {
        _canary.FailureShare = 0.3;
        _canary.FailureStatus = 429;

        var (status, _) = await RunCanaryAsync();

        Assert.Equal("succeeded", status);
        Assert.Equal([("1.1.0", 100)], await SplitsAsync());
        var canary = await SummaryAsync("1.1.0", _ => true, windowSeconds: 900);
        Assert.True(canary.RateLimited > 0, $"no 429 was tracked: {canary}");
        Assert.Equal(0, canary.Errors);
    }

    /// <summary>
    /// Launches a canary of 1.1.0 (two-second steps) and sends traffic through the gateway until the deployment ends;
    /// nothing else records any figure.
    /// </summary>
    private async Task<(string Status, JsonElement Deployment)> RunCanaryAsync()
    {
        using var launch = await _api.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = _model, version = "1.1.0", environment = Environment, strategy = "canary",
            canary = new { stepSeconds = 2 }, guard = new { minSamples = 20, watchSeconds = 2 }, reason = "gateway canary test",
        }, Ct);
        var id = (await launch.ReadJsonAsync(System.Net.HttpStatusCode.Created)).GetProperty("id").GetInt64();

        using var gateway = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        gateway.DefaultRequestHeaders.Authorization = new("Bearer", DashboardFactory.ApiKey);
        var (status, deployment, _) = await GatewayLoad.RunUntilDeploymentEndsAsync(_api, id, [gateway], Environment, _model);
        return (status, deployment);
    }

    private OpenAIClient Client() =>
        new(new ApiKeyCredential(DashboardFactory.ApiKey), new OpenAIClientOptions { Endpoint = new Uri($"{_app.BaseUrl}/gateway/{Environment}/v1/") });

    private async Task<HttpResponseMessage> PostAsync(string path, object body, CancellationToken cancellationToken, string? session = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/gateway/{Environment}/v1/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", DashboardFactory.ApiKey);
        if (session is not null)
        {
            request.Headers.Add("X-Session-Id", session);
        }

        return await _api.SendAsync(request, cancellationToken);
    }

    private Task<RouteInfo> SetSplitsAsync(params (string Version, int Weight)[] splits) =>
        _app.GetRequiredService<RouteService>().SetSplitsAsync(
            new Actor("test", ActorRole.Admin), Environment, _model, [.. splits.Select(s => new SplitInfo(s.Version, s.Weight))], expectedRevision: null, reason: "test", Ct);

    private async Task<List<(string, int)>> SplitsAsync() =>
        [.. (await _app.GetRequiredService<RouteService>().GetAsync(Environment, _model, Ct)).Splits
            .Where(s => s.Weight > 0).OrderBy(s => s.Version, StringComparer.Ordinal).Select(s => (s.Version, s.Weight))];

    /// <summary>The version's live summary once <paramref name="ready"/> holds (the gateway records after the response ends).</summary>
    private async Task<MetricsSummary> SummaryAsync(string version, Func<MetricsSummary, bool> ready, int windowSeconds = 300)
    {
        MetricsSummary? summary = null;
        await Poll.UntilAsync(
            async () =>
            {
                var result = await _api.GetFromJsonAsync<MetricsSummaryResult>(
                    $"/api/v1/metrics/summary?model={_model}&environment={Environment}&windowSeconds={windowSeconds}", ApiJson.Options, Ct);
                summary = result!.Versions.SingleOrDefault(v => v.Version == version);
                return summary is not null && ready(summary);
            },
            TimeSpan.FromSeconds(10),
            _ => $"version {version}'s summary never got there: {summary}");
        return summary!;
    }
}
