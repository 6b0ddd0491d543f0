namespace ModelRegistry.Dashboard.Health;

/// <summary>Which part of a version's health fails: what a badge names beside its status.</summary>
public enum HealthCause
{
    /// <summary>Recent probes of the endpoint failed or answered slowly.</summary>
    Probes,

    /// <summary>The live error rate is above the environment's limit (or above half of it).</summary>
    LiveErrorRate,

    /// <summary>The live average latency is above the environment's limit.</summary>
    LiveLatency,
}

/// <summary>
/// A version's live figures in one environment over the limits' window, judged against that environment's limits.
/// <see cref="Judged"/> is false when the window held fewer than <see cref="LiveHealthLimits.MinRequests"/> requests:
/// then the status is <see cref="HealthStatus.Unknown"/> and the probes alone decide.
/// </summary>
public sealed record LiveHealth(
    string Environment,
    HealthStatus Status,
    string Reason,
    bool Judged,
    long Requests,
    double ErrorRate,
    double AvgLatencyMs,
    LiveHealthLimits Limits,
    IReadOnlyList<HealthCause> Failing)
{
    public int WindowSeconds => Limits.WindowSeconds;
}

/// <summary>
/// A version's health as badges and the health endpoint show it: the probe part (<see cref="Probe"/>, as the deployment
/// gate sees it) combined with the live part (<see cref="Live"/>, null when no environment's figures were read). The
/// status is the worse of the two; the reason says which part fails, with the figures.
/// </summary>
public sealed record CombinedHealth(
    string Model,
    string Version,
    HealthStatus Status,
    string Reason,
    IReadOnlyList<HealthCause> Failing,
    VersionHealth Probe,
    LiveHealth? Live)
{
    /// <summary>The environment whose live figures were judged, if any.</summary>
    public string? Environment => Live?.Environment;
}

public static class HealthStatusExtensions
{
    /// <summary>Orders statuses from least to most worrying: unknown, healthy, degraded, unhealthy.</summary>
    public static int Severity(this HealthStatus status) => status switch
    {
        HealthStatus.Unhealthy => 3,
        HealthStatus.Degraded => 2,
        HealthStatus.Healthy => 1,
        _ => 0,
    };
}
