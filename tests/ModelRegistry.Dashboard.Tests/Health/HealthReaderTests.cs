using Microsoft.Extensions.Time.Testing;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>
/// Combined health read from real probe results and the real live store on a manual clock: live figures over their
/// environment's limits fail a version whose probes pass; thin traffic leaves the probes alone to decide.
/// </summary>
public sealed class HealthReaderTests
{
    private const string Model = "support-chat";

    private readonly FakeTimeProvider _clock = TestClocks.New();
    private readonly MetricsStore _store;
    private readonly HealthRegistry _registry = new(new ChangeNotifier(), new FixedOptions<HealthOptions>(new HealthOptions()));

    public HealthReaderTests()
    {
        _store = new MetricsStore(_clock);
    }

    private HealthReader Reader(LiveHealthOptions? options = null) => new(_registry, _store, new FixedOptions<LiveHealthOptions>(options ?? new LiveHealthOptions()));

    private void ProbesPass(string version)
    {
        for (var i = 0; i < 3; i++)
        {
            _registry.Record(Model, version, "http://x/", new HealthProbeResult(_clock.GetUtcNow().UtcDateTime, true, 200, 12, null));
        }
    }

    /// <summary><paramref name="requests"/> requests now, every <paramref name="failEvery"/>-th failing (0 = none).</summary>
    private void Traffic(string environment, string version, int requests, int failEvery = 0, double latencyMs = 100)
    {
        var series = new SeriesKey(environment, Model, version);
        var events = Enumerable.Range(0, requests)
            .Select(i => new MetricEvent(series, _clock.GetUtcNow().UtcDateTime, latencyMs, failEvery == 0 || i % failEvery != 0, 10, 20))
            .ToArray();
        Assert.Equal(requests, _store.Record(events));
    }

    [Fact]
    public void Half_the_requests_failing_with_passing_probes_is_unhealthy_and_the_reason_says_the_live_error_rate_fails()
    {
        ProbesPass("2.0.0");
        Traffic("staging", "2.0.0", requests: 120, failEvery: 2);

        var health = Reader().Get(Model, "2.0.0", "staging");

        Assert.Equal(HealthStatus.Healthy, health.Probe.Status);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal([HealthCause.LiveErrorRate], health.Failing);
        Assert.Equal("Live error rate 50% over the last 60 s (120 requests) is above the 10% limit for staging; probes pass.", health.Reason);
        Assert.Equal((120, 0.5, 60), (health.Live!.Requests, health.Live.ErrorRate, health.Live.WindowSeconds));
    }

    [Fact]
    public void Fewer_requests_than_the_minimum_are_not_judged_and_the_probes_alone_decide()
    {
        ProbesPass("2.0.0");
        Traffic("staging", "2.0.0", requests: 19, failEvery: 1);

        var health = Reader().Get(Model, "2.0.0", "staging");

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Empty(health.Failing);
        Assert.Equal("All of the last 3 probes succeeded, 12 ms on average.", health.Reason);
        Assert.False(health.Live!.Judged);
        Assert.Equal(HealthStatus.Unknown, health.Live.Status);
        Assert.Equal("Too little live traffic in staging to judge: 19 requests over the last 60 s, fewer than 20; the probes alone decide.", health.Live.Reason);
    }

    [Fact]
    public void Failures_older_than_the_window_no_longer_count()
    {
        ProbesPass("2.0.0");
        Traffic("staging", "2.0.0", requests: 100, failEvery: 1);
        Assert.Equal(HealthStatus.Unhealthy, Reader().Get(Model, "2.0.0", "staging").Status);

        _clock.Advance(TimeSpan.FromSeconds(61));

        var health = Reader().Get(Model, "2.0.0", "staging");
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal("No live traffic in staging over the last 60 s; the probes alone decide.", health.Live!.Reason);
    }

    [Fact]
    public void Each_environment_is_judged_against_its_own_limits()
    {
        var options = new LiveHealthOptions();
        options.Environments["production"] = new LiveHealthSettings { MaxErrorRate = 2, MinRequests = 50 };
        ProbesPass("1.2.0");
        Traffic("staging", "1.2.0", requests: 100, failEvery: 25);     // 4%: under half of staging's 10%
        Traffic("production", "1.2.0", requests: 100, failEvery: 25);  // 4%: over production's 2%

        var reader = Reader(options);
        var staging = reader.Get(Model, "1.2.0", "staging");
        var production = reader.Get(Model, "1.2.0", "production");

        Assert.Equal(HealthStatus.Healthy, staging.Status);
        Assert.Equal(
            "All of the last 3 probes succeeded, 12 ms on average. Live figures in staging are within its limits: 4% errors and 100 ms on average over the last 60 s (100 requests).",
            staging.Reason);
        Assert.Equal(HealthStatus.Unhealthy, production.Status);
        Assert.Equal("Live error rate 4% over the last 60 s (100 requests) is above the 2% limit for production; probes pass.", production.Reason);
        Assert.Equal((2, 2000, 60, 50), (production.Live!.Limits.MaxErrorRate, production.Live.Limits.MaxAvgLatencyMs, production.Live.Limits.WindowSeconds, production.Live.Limits.MinRequests));
    }

    [Fact]
    public void Without_an_environment_the_worst_environment_with_traffic_decides_and_is_named()
    {
        ProbesPass("2.0.0");
        Traffic("production", "2.0.0", requests: 100);
        Traffic("staging", "2.0.0", requests: 100, failEvery: 2);

        var health = Reader().Get(Model, "2.0.0");

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("staging", health.Environment);
        Assert.Contains("above the 10% limit for staging", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_environment_or_any_traffic_the_probes_stand_as_they_are()
    {
        ProbesPass("2.0.0");

        var health = Reader().Get(Model, "2.0.0");

        Assert.Equal(_registry.Get(Model, "2.0.0"), health.Probe);
        Assert.Equal((HealthStatus.Healthy, "All of the last 3 probes succeeded, 12 ms on average."), (health.Status, health.Reason));
        Assert.Null(health.Live);
    }

    [Fact]
    public void The_worst_of_a_routes_versions_names_the_failing_version()
    {
        ProbesPass("1.2.0");
        ProbesPass("2.0.0");
        Traffic("staging", "1.2.0", requests: 900);
        Traffic("staging", "2.0.0", requests: 100, failEvery: 2);

        var worst = Reader().WorstOf(Model, ["1.2.0", "2.0.0"], "staging");
        var model = Reader().WorstOf(Model);

        Assert.Equal(("2.0.0", HealthStatus.Unhealthy), (worst!.Version, worst.Status));
        Assert.Equal(("2.0.0", HealthStatus.Unhealthy), (model!.Version, model.Status));
        Assert.Null(Reader().WorstOf("other-model"));
    }

    [Fact]
    public void The_deployment_gate_still_reads_the_probe_part_alone()
    {
        ProbesPass("2.0.0");
        Traffic("staging", "2.0.0", requests: 100, failEvery: 1);

        Assert.Equal(HealthStatus.Unhealthy, Reader().Get(Model, "2.0.0", "staging").Status);
        Assert.Equal(HealthStatus.Healthy, _registry.Get(Model, "2.0.0").Status);
    }
}
