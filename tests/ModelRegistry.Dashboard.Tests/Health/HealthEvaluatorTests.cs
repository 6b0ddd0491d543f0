using ModelRegistry.Dashboard.Health;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>Status and reason from the last probes: the latest decides up or down; history and slowness degrade.</summary>
public sealed class HealthEvaluatorTests
{
    private static readonly DateTime T0 = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    private static HealthProbeResult Ok(int second, double ms = 20) => new(T0.AddSeconds(second), true, 200, ms, null);

    private static HealthProbeResult Failed(int second, string error, int? status = null, double ms = 5) => new(T0.AddSeconds(second), false, status, ms, error);

    private static VersionHealth Evaluate(params HealthProbeResult[] probes) => HealthEvaluator.Evaluate("m", "1.0.0", "http://x/", probes, degradedResponseTimeMs: 1000);

    [Fact]
    public void No_probes_is_unknown()
    {
        var health = Evaluate();

        Assert.Equal(HealthStatus.Unknown, health.Status);
        Assert.Null(health.CheckedAt);
        Assert.Null(health.ErrorRate);
    }

    [Fact]
    public void All_probes_ok_is_healthy_with_the_average_response_time()
    {
        var health = Evaluate(Ok(0, 10), Ok(5, 20), Ok(10, 30));

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(20, health.ResponseTimeMs);
        Assert.Equal(30, health.LastResponseTimeMs);
        Assert.Equal(0, health.ErrorRate);
        Assert.Equal(1, health.Availability);
        Assert.Equal(T0.AddSeconds(10), health.CheckedAt);
        Assert.Equal("All of the last 3 probes succeeded, 20 ms on average.", health.Reason);
    }

    [Fact]
    public void A_failing_latest_probe_is_unhealthy_and_says_how_many_failed_and_why()
    {
        var health = Evaluate(Ok(0), Failed(5, "HTTP 500", 500), Ok(10), Failed(15, "HTTP 500", 500), Failed(20, "HTTP 500", 500));

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("3 of the last 5 probes failed: HTTP 500.", health.Reason);
        Assert.Equal(0.6, health.ErrorRate!.Value, 10);
    }

    [Fact]
    public void A_single_failed_probe_is_unhealthy_at_once()
    {
        var health = Evaluate(Failed(0, "connection refused"));

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("The probe failed: connection refused.", health.Reason);
        Assert.Null(health.ResponseTimeMs);
    }

    [Fact]
    public void Answering_again_after_failures_is_degraded_and_names_the_last_failure()
    {
        var health = Evaluate(Failed(0, "timed out after 2 s", ms: 2000), Ok(5));

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("1 of the last 2 probes failed", health.Reason, StringComparison.Ordinal);
        Assert.Contains("timed out after 2 s", health.Reason, StringComparison.Ordinal);
        Assert.Equal(20, health.ResponseTimeMs); // a timeout has no response time
    }

    [Fact]
    public void Slow_answers_are_degraded()
    {
        var health = Evaluate(Ok(0, 1500), Ok(5, 1700));

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("Responding slowly: 1600 ms on average over the last 2 probes (limit 1000 ms).", health.Reason);
    }
}
