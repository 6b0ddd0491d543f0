using System.Text.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>
/// The real app on Kestrel: a version whose demo backend answers its probes with 200 serves half its requests with
/// errors. Production allows up to 60% errors (<c>Health:Environments:production:MaxErrorRate</c>).
/// </summary>
public sealed class HealthLiveFixture : IAsyncLifetime
{
    public const string Model = "live-errors";

    public KestrelDashboardFactory Factory { get; } = new(new Dictionary<string, string>
    {
        ["Health:IntervalSeconds"] = "1",
        ["Health:TimeoutSeconds"] = "1",
        ["Health:Environments:production:MaxErrorRate"] = "60",
        ["Demo:Traffic:Enabled"] = "false",
    });

    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Client = new HttpClient { BaseAddress = new Uri(Factory.BaseUrl) };
        await Seed.ModelAsync(Client, Model);
        await Seed.VersionAsync(Client, Model, "2.0.0", Factory.DemoEndpoint(Model, "2.0.0"));
        await Seed.VersionAsync(Client, Model, "2.1.0", Factory.DemoEndpoint(Model, "2.1.0"));
        var operatorActor = new Actor("test-operator", ActorRole.Operator);
        var routes = Factory.GetRequiredService<RouteService>();
        await routes.SetSplitsAsync(operatorActor, "staging", Model, [new("2.0.0", 100)], 0, "live health test", TestContext.Current.CancellationToken);
        await routes.SetSplitsAsync(operatorActor, "production", Model, [new("2.0.0", 100)], 0, "live health test", TestContext.Current.CancellationToken);
        await Wait.ForHealthAsync(Factory.Services, Model, "2.0.0", h => h.Status == HealthStatus.Healthy);

        // 120 requests in each environment, every second one failing: 50% errors within the last 60 s.
        await Seed.EventsAsync(Client, Model, "staging", "2.0.0", count: 120, failEvery: 2);
        await Seed.EventsAsync(Client, Model, "production", "2.0.0", count: 120, failEvery: 2);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}

public sealed class HealthLiveApiTests(HealthLiveFixture fixture) : IClassFixture<HealthLiveFixture>
{
    private const string Model = HealthLiveFixture.Model;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> HealthAsync(string version, string? environment) =>
        await (await fixture.Client.GetAsync($"/api/v1/models/{Model}/versions/{version}/health{(environment is null ? "" : $"?environment={environment}")}", Ct)).ReadJsonAsync();

    [Fact]
    public async Task A_version_at_50_percent_errors_with_passing_probes_is_unhealthy_and_says_the_live_error_rate_fails()
    {
        var body = await HealthAsync("2.0.0", "staging");

        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal(
            "Live error rate 50% over the last 60 s (120 requests) is above the 10% limit for staging; probes pass.",
            body.GetProperty("reason").GetString());
        Assert.Equal(["liveErrorRate"], body.GetProperty("failing").EnumerateArray().Select(f => f.GetString()));

        var probes = body.GetProperty("probeHealth");
        Assert.Equal("healthy", probes.GetProperty("status").GetString());
        Assert.All(body.GetProperty("probes").EnumerateArray(), p => Assert.True(p.GetProperty("ok").GetBoolean()));
        Assert.Equal(0, body.GetProperty("errorRate").GetDouble()); // still the probes' error rate, as before

        var live = body.GetProperty("live");
        Assert.Equal("staging", live.GetProperty("environment").GetString());
        Assert.Equal("unhealthy", live.GetProperty("status").GetString());
        Assert.True(live.GetProperty("judged").GetBoolean());
        Assert.Equal(120, live.GetProperty("requests").GetInt64());
        Assert.Equal(0.5, live.GetProperty("errorRate").GetDouble());
        Assert.InRange(live.GetProperty("avgLatencyMs").GetDouble(), 100, 120);
        Assert.Equal(60, live.GetProperty("windowSeconds").GetInt32());
        var limits = live.GetProperty("limits");
        Assert.Equal((10, 2000, 60, 20), (limits.GetProperty("maxErrorRate").GetDouble(), limits.GetProperty("maxAvgLatencyMs").GetDouble(),
            limits.GetProperty("windowSeconds").GetInt32(), limits.GetProperty("minRequests").GetInt32()));
    }

    [Fact]
    public async Task Production_judges_the_same_figures_against_its_own_limit()
    {
        var body = await HealthAsync("2.0.0", "production");

        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal(
            "Live error rate 50% over the last 60 s (120 requests) is above half the 60% limit for production; probes pass.",
            body.GetProperty("reason").GetString());
        Assert.Equal(60, body.GetProperty("live").GetProperty("limits").GetProperty("maxErrorRate").GetDouble());
    }

    [Fact]
    public async Task Without_an_environment_the_worst_environment_is_named()
    {
        var body = await HealthAsync("2.0.0", environment: null);

        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("staging", body.GetProperty("live").GetProperty("environment").GetString());
        Assert.Contains("for staging", body.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_without_traffic_is_judged_on_its_probes_and_its_live_part_says_why()
    {
        var body = await HealthAsync("2.1.0", "staging");

        Assert.Equal(body.GetProperty("probeHealth").GetProperty("status").GetString(), body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("failing").EnumerateArray());
        var live = body.GetProperty("live");
        Assert.False(live.GetProperty("judged").GetBoolean());
        Assert.Equal("unknown", live.GetProperty("status").GetString());
        Assert.Equal("No live traffic in staging over the last 60 s; the probes alone decide.", live.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, (await HealthAsync("2.1.0", environment: null)).GetProperty("live").ValueKind);
    }
}
