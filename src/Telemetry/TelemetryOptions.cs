using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary><c>Telemetry:*</c>, bound and validated at start.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// How often the rollups are persisted (one commit per flush), the minute in progress included up to the last
    /// complete second: after a crash, history misses at most this plus two seconds (see MetricRollupWriter).
    /// </summary>
    [Range(1, 3600)]
    public int FlushIntervalSeconds { get; set; } = 2;

    /// <summary>
    /// The most (environment, model, version) series the live store holds. Each costs up to ~2.7 MB once it has had
    /// traffic for a quarter of an hour (docs/benchmarks.md); the default keeps a full store near 1.4 GB, sized for the
    /// 2-core, few-GB machine the app is measured on. Ingest refuses events of new series past it (429).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxLiveSeries { get; set; } = 500;

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
