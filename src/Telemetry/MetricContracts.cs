namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>One (environment, model, version): the unit every figure is measured per.</summary>
public readonly record struct SeriesKey(string Environment, string Model, string Version)
{
    public override string ToString() => $"{Environment}/{Model}@{Version}";
}

/// <summary>One inference request as measured by whoever served it (glossary: <em>Metric event</em>).</summary>
public readonly record struct MetricEvent(
    SeriesKey Series,
    DateTime Timestamp,
    double LatencyMs,
    bool Success,
    int InputTokens,
    int OutputTokens,
    string? ErrorType = null);

/// <summary>Every figure of one series over one window. Latency percentiles carry the histogram's stated relative error.</summary>
public sealed record MetricsSummary(
    string Environment,
    string Model,
    string Version,
    int WindowSeconds,
    long Requests,
    long Errors,
    double ErrorRate,
    double SuccessRate,
    double AvgLatencyMs,
    double P50LatencyMs,
    double P95LatencyMs,
    double P99LatencyMs,
    double MaxLatencyMs,
    long InputTokens,
    long OutputTokens,
    double TokensPerRequest,
    decimal? Cost = null)
{
    public SeriesKey Series => new(Environment, Model, Version);
}

/// <summary>Reads the live (in-memory) windows; answers in microseconds from the one-second buckets.</summary>
public interface IMetricsReader
{
    /// <summary>The series that have recorded anything within the longest live window.</summary>
    IReadOnlyCollection<SeriesKey> ActiveSeries { get; }

    /// <summary>One series over the trailing <paramref name="window"/>; a series with no events gives a summary of zeros.</summary>
    MetricsSummary Summarize(SeriesKey series, TimeSpan window);
}
