using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Alerts;

/// <summary>
/// The default error-rate rule against real measured traffic: the evaluator is driven one round at a time, so each
/// assertion is about one evaluation, not about timing.
/// </summary>
public sealed class AlertEvaluationTests : IAsyncLifetime
{
    private readonly DashboardFactory _factory = new();
    private HttpClient _client = null!;
    private AlertEvaluator _evaluator = null!;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        _evaluator = _factory.GetRequiredService<AlertEvaluator>();
        var admin = new Actor("seed", ActorRole.Admin);
        await Seed.ModelAsync(_client, "support-chat");
        await Seed.VersionAsync(_client, "support-chat", "1.0.0");
        await Seed.VersionAsync(_client, "support-chat", "1.1.0");
        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(admin, "production", "support-chat",
            [new SplitInfo("1.0.0", 90), new SplitInfo("1.1.0", 10)], expectedRevision: 0, reason: "test", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Half_the_requests_failing_fires_the_error_rate_alert_with_the_measured_value()
    {
        await PostAsync(Events("1.1.0", 100, failEvery: 2));

        await _evaluator.EvaluateOnceAsync(Ct);

        var alert = Assert.Single(await FiringAsync());
        Assert.Equal("errorRate", alert.GetProperty("metric").GetString());
        Assert.Equal("production", alert.GetProperty("environment").GetString());
        Assert.Equal("1.1.0", alert.GetProperty("version").GetString());
        Assert.Equal(50, alert.GetProperty("firedValue").GetDouble(), precision: 6);
    }

    [Fact]
    public async Task Below_the_minimum_sample_count_nothing_fires_however_bad_the_requests()
    {
        await PostAsync(Events("1.1.0", 10, failEvery: 1));

        await _evaluator.EvaluateOnceAsync(Ct);

        Assert.Empty(await FiringAsync());
    }

    [Fact]
    public async Task An_alert_is_acknowledged_once_with_a_note_and_with_no_cooldown_resolves_as_soon_as_traffic_is_healthy()
    {
        await SetErrorRateCooldownAsync(0);
        await PostAsync(Events("1.1.0", 100, failEvery: 2));
        await _evaluator.EvaluateOnceAsync(Ct);
        var id = Assert.Single(await FiringAsync()).GetProperty("id").GetInt64();

        using var ack = await _client.PostAsJsonAsync($"/api/v1/alerts/{id}/acknowledge", new { note = "Rolling back 1.1.0" }, Ct);
        var acknowledged = await ack.ReadJsonAsync();
        Assert.Equal("acknowledged", acknowledged.GetProperty("state").GetString());
        Assert.Equal(DashboardFactory.AnonymousName, acknowledged.GetProperty("acknowledgedBy").GetString());
        using var again = await _client.PostAsJsonAsync($"/api/v1/alerts/{id}/acknowledge", new { note = "me too" }, Ct);
        var conflict = await again.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already acknowledged", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // 50 errors in 600 requests = 8.3%: under 10% with plenty of samples.
        await PostAsync(Events("1.1.0", 500, failEvery: 0));
        await _evaluator.EvaluateOnceAsync(Ct);

        var alert = await (await _client.GetAsync($"/api/v1/alerts/{id}", Ct)).ReadJsonAsync();
        Assert.Equal("resolved", alert.GetProperty("state").GetString());
        Assert.True(alert.GetProperty("resolvedAt").GetDateTime() >= alert.GetProperty("acknowledgedAt").GetDateTime());
        Assert.Equal(50.0 / 600 * 100, alert.GetProperty("lastValue").GetDouble(), precision: 6);
        var audit = await (await _client.GetAsync("/api/v1/audit?model=support-chat", Ct)).ReadJsonAsync();
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "alert.acknowledged"
            && e.GetProperty("reason").GetString() == "Rolling back 1.1.0");
    }

    [Fact]
    public async Task A_healthy_version_beside_a_failing_one_does_not_fire()
    {
        await PostAsync([.. Events("1.0.0", 200, failEvery: 0), .. Events("1.1.0", 100, failEvery: 2)]);

        await _evaluator.EvaluateOnceAsync(Ct);

        Assert.Equal(["1.1.0"], (await FiringAsync()).Select(a => a.GetProperty("version").GetString()));
    }

    /// <summary>Replaces the default error-rate rule with the same rule and another cooldown.</summary>
    private async Task SetErrorRateCooldownAsync(int seconds)
    {
        var rules = await (await _client.GetAsync("/api/v1/alert-rules", Ct)).ReadJsonAsync();
        var rule = rules.EnumerateArray().Single(r => r.GetProperty("metric").GetString() == "errorRate");
        using var response = await _client.PutAsJsonAsync($"/api/v1/alert-rules/{rule.GetProperty("id").GetInt32()}", new
        {
            name = rule.GetProperty("name").GetString(),
            metric = "errorRate",
            comparator = "greaterThan",
            threshold = rule.GetProperty("threshold").GetDouble(),
            severity = "critical",
            cooldownSeconds = seconds,
        }, Ct);
        Assert.Equal(seconds, (await response.ReadJsonAsync()).GetProperty("cooldownSeconds").GetInt32());
    }

    private async Task<List<JsonElement>> FiringAsync()
    {
        var page = await (await _client.GetAsync("/api/v1/alerts?state=firing", Ct)).ReadJsonAsync();
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    private async Task PostAsync(object[] events)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/metrics/events", new { events }, Ct);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
    }

    private static object[] Events(string version, int count, int failEvery) =>
        [.. Enumerable.Range(0, count).Select(i => new
        {
            model = "support-chat",
            version,
            environment = "production",
            latencyMs = 100 + i % 50,
            success = failEvery == 0 || i % failEvery != 0,
            inputTokens = 200,
            outputTokens = 80,
        })];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
