using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>
/// The real app on Kestrel probing its own demo backends over real HTTP: one version configured with a failing
/// <c>/health</c>, one healthy, both serving traffic in staging.
/// </summary>
public sealed class HealthProbeFixture : IAsyncLifetime
{
    public const string Model = "sick-backend";
    public const int IntervalSeconds = 1;

    public KestrelDashboardFactory Factory { get; } = new(new Dictionary<string, string>
    {
        ["Health:IntervalSeconds"] = IntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Health:TimeoutSeconds"] = "1",
        ["Demo:Traffic:Enabled"] = "false",
        [$"Demo:Backends:{Model}:1.0.0:Healthy"] = "false",
    });

    public HttpClient Client { get; private set; } = null!;

    /// <summary>When the route that puts both versions into service was written.</summary>
    public long RoutedAt { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Client = new HttpClient { BaseAddress = new Uri(Factory.BaseUrl) };
        await Seed.ModelAsync(Client, Model);
        await Seed.VersionAsync(Client, Model, "1.0.0", Factory.DemoEndpoint(Model, "1.0.0"));
        await Seed.VersionAsync(Client, Model, "1.1.0", Factory.DemoEndpoint(Model, "1.1.0"));
        await Seed.VersionAsync(Client, Model, "2.0.0", Factory.DemoEndpoint(Model, "2.0.0"));
        await Factory.GetRequiredService<RouteService>().SetSplitsAsync(
            new Actor("test-operator", ActorRole.Operator), "staging", Model, [new("1.0.0", 90), new("1.1.0", 10)], 0, "health test", TestContext.Current.CancellationToken);
        RoutedAt = Stopwatch.GetTimestamp();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}

public sealed class HealthProbeTests(HealthProbeFixture fixture) : IClassFixture<HealthProbeFixture>
{
    private const string Model = HealthProbeFixture.Model;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_serving_version_whose_health_endpoint_answers_500_is_unhealthy_with_the_reason_within_the_interval()
    {
        var health = await Wait.ForHealthAsync(fixture.Factory.Services, Model, "1.0.0", h => h.Status == HealthStatus.Unhealthy);

        // Generous: the first round after the route is at most one interval (plus a probe) away; a machine under load may add a little.
        var elapsed = Stopwatch.GetElapsedTime(fixture.RoutedAt);
        Assert.True(elapsed < TimeSpan.FromSeconds((2 * HealthProbeFixture.IntervalSeconds) + 4), $"Unhealthy only after {elapsed.TotalSeconds:0.0} s.");
        Assert.Contains("HTTP 500", health.Reason, StringComparison.Ordinal);
        Assert.Equal(500, health.Probes[^1].StatusCode);
        Assert.Equal(fixture.Factory.DemoEndpoint(Model, "1.0.0"), health.Endpoint);
    }

    [Fact]
    public async Task A_serving_version_whose_health_endpoint_answers_200_is_healthy()
    {
        var health = await Wait.ForHealthAsync(fixture.Factory.Services, Model, "1.1.0", h => h.Status != HealthStatus.Unknown);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.All(health.Probes, p => Assert.Equal(200, p.StatusCode));
        Assert.Equal(0, health.ErrorRate);
    }

    [Fact]
    public async Task A_version_without_traffic_is_not_probed_until_asked_for()
    {
        var monitor = fixture.Factory.GetRequiredService<HealthMonitor>();
        Assert.DoesNotContain(await monitor.TargetsAsync(Ct), t => t.Model == Model && t.Version == "2.0.0");

        var health = await monitor.RequestProbeAsync(Model, "2.0.0", Ct);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Single(health.Probes);
        Assert.Contains(await monitor.TargetsAsync(Ct), t => t.Model == Model && t.Version == "2.0.0");
        await Assert.ThrowsAsync<NotFoundException>(() => monitor.RequestProbeAsync(Model, "9.9.9", Ct));
    }

    [Fact]
    public async Task The_health_api_answers_status_reason_and_probes_newest_first()
    {
        await Wait.ForHealthAsync(fixture.Factory.Services, Model, "1.0.0", h => h.Status == HealthStatus.Unhealthy);

        var body = await (await fixture.Client.GetAsync($"/api/v1/models/{Model}/versions/1.0.0/health?environment=staging", Ct)).ReadJsonAsync();

        Assert.Equal(Model, body.GetProperty("model").GetString());
        Assert.Equal("1.0.0", body.GetProperty("version").GetString());
        Assert.Equal("staging", body.GetProperty("environment").GetString());
        Assert.Equal(90, body.GetProperty("trafficWeight").GetInt32());
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Contains("HTTP 500", body.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("checkedAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));
        Assert.True(body.GetProperty("responseTimeMs").GetDouble() >= 0);
        Assert.True(body.GetProperty("errorRate").GetDouble() > 0);
        var probes = body.GetProperty("probes").EnumerateArray().ToList();
        Assert.NotEmpty(probes);
        Assert.All(probes, p =>
        {
            Assert.False(p.GetProperty("ok").GetBoolean());
            Assert.Equal(500, p.GetProperty("statusCode").GetInt32());
            Assert.True(p.GetProperty("latencyMs").GetDouble() >= 0);
            Assert.Equal("HTTP 500", p.GetProperty("error").GetString());
        });
        var times = probes.Select(p => p.GetProperty("at").GetDateTime()).ToList();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task A_version_never_probed_is_unknown_in_the_api_and_not_serving_in_production()
    {
        var body = await (await fixture.Client.GetAsync($"/api/v1/models/{Model}/versions/2.0.0/health?environment=production", Ct)).ReadJsonAsync();

        Assert.Equal(0, body.GetProperty("trafficWeight").GetInt32());
        Assert.True(body.GetProperty("status").GetString() is "unknown" or "healthy"); // healthy once another test asked for a probe
    }

    [Theory]
    [InlineData("no-such-model", "1.0.0", null)]
    [InlineData(Model, "9.9.9", null)]
    [InlineData(Model, "1.0.0", "no-such-environment")]
    public async Task Unknown_models_versions_and_environments_are_404(string model, string version, string? environment)
    {
        var query = environment is null ? "" : $"?environment={environment}";

        var response = await fixture.Client.GetAsync($"/api/v1/models/{model}/versions/{version}/health{query}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_health_api_needs_a_valid_actor_like_every_api_call()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/models/{Model}/versions/1.0.0/health");
        request.Headers.Add("X-Api-Key", "wrong-key");

        var response = await fixture.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        _ = await fixture.Client.GetFromJsonAsync<object>($"/api/v1/models/{Model}/versions/1.0.0/health", Ct); // and anonymous may read
    }
}
