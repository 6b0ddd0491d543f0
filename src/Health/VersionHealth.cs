namespace ModelRegistry.Dashboard.Health;

/// <summary>How a version's endpoint answers its health probes (glossary: <em>Health check</em>).</summary>
public enum HealthStatus
{
    /// <summary>Not probed yet.</summary>
    Unknown,
    Healthy,

    /// <summary>Answering now, but some recent probes failed or responses are slow.</summary>
    Degraded,

    /// <summary>The latest probe failed.</summary>
    Unhealthy,
}

/// <summary>One probe of one endpoint. <see cref="Error"/> says in words why a failed probe failed.</summary>
public sealed record HealthProbeResult(DateTime At, bool Ok, int? StatusCode, double LatencyMs, string? Error);

/// <summary>A version's health over the last probes: what the badges and the health endpoint show.</summary>
public sealed record VersionHealth(
    string Model,
    string Version,
    string? Endpoint,
    HealthStatus Status,
    string Reason,
    DateTime? CheckedAt,
    IReadOnlyList<HealthProbeResult> Probes,
    double? ResponseTimeMs,
    double? LastResponseTimeMs,
    double? ErrorRate)
{
    /// <summary>Share of the window's probes that succeeded (1 − error rate); null before the first probe.</summary>
    public double? Availability => ErrorRate is { } rate ? 1 - rate : null;

    public static VersionHealth Unknown(string model, string version, string? endpoint = null) =>
        new(model, version, endpoint, HealthStatus.Unknown, "Not probed yet.", null, [], null, null, null);
}
