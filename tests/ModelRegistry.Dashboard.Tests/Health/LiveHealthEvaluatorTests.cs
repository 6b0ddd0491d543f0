using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>
/// The combination rules: live error rate above the limit → unhealthy, above half of it → degraded; average latency
/// above the limit → degraded; the worse of the probe and live parts wins, and the reason names the failing parts.
/// </summary>
public sealed class LiveHealthEvaluatorTests
{
    private static readonly DateTime T0 = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    private static readonly LiveHealthLimits Staging = new("staging", MaxErrorRate: 10, MaxAvgLatencyMs: 2000, WindowSeconds: 60, MinRequests: 20);

    private static MetricsSummary Figures(long requests, long errors, double avgLatencyMs = 100) => new(
        "staging", "m", "1.0.0", 60, requests, errors, requests == 0 ? 0 : (double)errors / requests, requests == 0 ? 0 : 1 - ((double)errors / requests),
        avgLatencyMs, avgLatencyMs, avgLatencyMs, avgLatencyMs, avgLatencyMs, 0, 0, 0);

    private static VersionHealth Probes(params bool[] ok) => HealthEvaluator.Evaluate(
        "m", "1.0.0", "http://x/", [.. ok.Select((o, i) => new HealthProbeResult(T0.AddSeconds(5 * i), o, o ? 200 : 500, 10, o ? null : "HTTP 500"))], 1000);

    private static CombinedHealth Combine(VersionHealth probes, MetricsSummary figures) =>
        LiveHealthEvaluator.Combine(probes, LiveHealthEvaluator.Evaluate(figures, Staging));

    [Theory]
    [InlineData(100, 4, HealthStatus.Healthy)]      // under half the limit
    [InlineData(100, 5, HealthStatus.Healthy)]      // exactly half: not above it
    [InlineData(100, 6, HealthStatus.Degraded)]     // above half the limit
    [InlineData(100, 10, HealthStatus.Degraded)]    // exactly the limit: not above it
    [InlineData(100, 11, HealthStatus.Unhealthy)]   // above the limit
    [InlineData(120, 60, HealthStatus.Unhealthy)]
    public void The_live_error_rate_against_the_limit_and_half_of_it(long requests, long errors, HealthStatus expected)
    {
        Assert.Equal(expected, LiveHealthEvaluator.Evaluate(Figures(requests, errors), Staging).Status);
    }

    [Fact]
    public void Above_half_the_error_limit_says_so()
    {
        var health = Combine(Probes(true, true), Figures(100, 7));

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("Live error rate 7% over the last 60 s (100 requests) is above half the 10% limit for staging; probes pass.", health.Reason);
    }

    [Fact]
    public void Slow_live_answers_are_degraded_and_the_reason_names_the_latency()
    {
        var health = Combine(Probes(true), Figures(50, 0, avgLatencyMs: 2400));

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal([HealthCause.LiveLatency], health.Failing);
        Assert.Equal("Live average latency 2400 ms over the last 60 s (50 requests) is above the 2000 ms limit for staging; probes pass.", health.Reason);
    }

    [Fact]
    public void Errors_and_latency_both_failing_are_both_named()
    {
        var health = Combine(Probes(true), Figures(50, 25, avgLatencyMs: 2400));

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal([HealthCause.LiveErrorRate, HealthCause.LiveLatency], health.Failing);
        Assert.Equal(
            "Live error rate 50% over the last 60 s (50 requests) is above the 10% limit for staging; live average latency 2400 ms is above the 2000 ms limit too; probes pass.",
            health.Reason);
    }

    [Fact]
    public void Failing_probes_and_failing_live_figures_are_both_named_and_the_worse_status_wins()
    {
        var health = Combine(Probes(false, true), Figures(100, 50));

        Assert.Equal(HealthStatus.Degraded, health.Probe.Status);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal([HealthCause.Probes, HealthCause.LiveErrorRate], health.Failing);
        Assert.Equal(
            "Answering again, but 1 of the last 2 probes failed (last failure: HTTP 500). Live error rate 50% over the last 60 s (100 requests) is above the 10% limit for staging.",
            health.Reason);
    }

    [Fact]
    public void Failing_probes_are_not_hidden_by_good_live_figures()
    {
        var health = Combine(Probes(true, false), Figures(100, 0));

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal([HealthCause.Probes], health.Failing);
        Assert.StartsWith("1 of the last 2 probes failed: HTTP 500. Live figures in staging are within its limits", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_figures_failing_before_the_first_probe_still_count()
    {
        var health = Combine(VersionHealth.Unknown("m", "1.0.0"), Figures(40, 40));

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.EndsWith("; the endpoint has not been probed yet.", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Thin_traffic_is_not_judged_however_bad()
    {
        var health = Combine(Probes(true), Figures(19, 19, avgLatencyMs: 9000));

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Empty(health.Failing);
        Assert.Equal(health.Probe.Reason, health.Reason);
    }
}
