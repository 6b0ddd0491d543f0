namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>One minute of one series, persisted so that history survives a restart.</summary>
public sealed class MetricRollup
{
    public long Id { get; set; }

    public required string EnvironmentName { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    /// <summary>UTC start of the minute (seconds and below are zero).</summary>
    public DateTime MinuteStart { get; init; }

    public long Requests { get; set; }

    public long Errors { get; set; }

    public double LatencySumMs { get; set; }

    public double P50LatencyMs { get; set; }

    public double P95LatencyMs { get; set; }

    public double P99LatencyMs { get; set; }

    public double MaxLatencyMs { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    /// <summary>Requests the upstream refused for quota: tracked, not held against the version (<see cref="ErrorTypes"/>).</summary>
    public long RateLimited { get; set; }

    /// <summary>Requests refused as the caller's fault: tracked, not held against the version.</summary>
    public long ClientErrors { get; set; }

    /// <summary>Answered requests whose time to first token was measured (streams).</summary>
    public long StreamedRequests { get; set; }

    public double TimeToFirstTokenSumMs { get; set; }

    public double MaxTimeToFirstTokenMs { get; set; }
}
