using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary><c>Telemetry:*</c>, bound and validated at start.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>How often completed minutes are persisted as rollups (one commit per flush).</summary>
    [Range(1, 3600)]
    public int FlushIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// How long the ingest trusts its cached list of known (environment, model, version) before reloading it. Registry
    /// changes published on the change notifier invalidate it at once; this only bounds the staleness of anything else.
    /// </summary>
    [Range(1, 3600)]
    public int KnownSeriesCacheSeconds { get; set; } = 30;

    /// <summary>Largest accepted body of <c>POST /api/v1/metrics/events</c>; larger is refused with 413.</summary>
    [Range(typeof(long), "1024", "268435456")]
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;
}
