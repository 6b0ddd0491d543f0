using System.Text.Json.Serialization;

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
    string? ErrorType = null,
    double? TimeToFirstTokenMs = null);

/// <summary>
/// Every figure of one series over one window. Latency percentiles carry the histogram's stated relative error.
/// <see cref="Requests"/>, errors and latency count only what the version answered; <see cref="RateLimited"/> and
/// <see cref="ClientErrors"/> (see <see cref="ErrorTypes"/>) are the requests it is not to blame for, tracked apart so a
/// quota spike or bad callers never roll back a good version. <see cref="StreamedRequests"/> are the answered requests
/// whose time to first token was measured (streams), which <see cref="AvgTimeToFirstTokenMs"/> and
/// <see cref="MaxTimeToFirstTokenMs"/> describe (0 without any).
/// </summary>
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
    decimal? Cost = null,
    long RateLimited = 0,
    long ClientErrors = 0,
    long StreamedRequests = 0,
    double AvgTimeToFirstTokenMs = 0,
    double MaxTimeToFirstTokenMs = 0)
{
    [JsonIgnore]
    public SeriesKey Series => new(Environment, Model, Version);
}

/// <summary>Reads the live (in-memory) windows; answers in microseconds from the one-second buckets.</summary>
public interface IMetricsReader
{
    /// <summary>The series that have recorded anything within the longest live window.</summary>
    IReadOnlyCollection<SeriesKey> ActiveSeries { get; }

    /// <summary>One series over the trailing <paramref name="window"/>; a series with no events gives a summary of zeros.</summary>
    MetricsSummary Summarize(SeriesKey series, TimeSpan window);

    /// <summary>
    /// One series from the start of the second holding <paramref name="since"/> up to now (at least the current second,
    /// at most the longest live window). Unlike a trailing window of whole seconds, it never drops the part of the first
    /// second after <paramref name="since"/>: what a deployment step received from its first moment counts.
    /// </summary>
    MetricsSummary SummarizeSince(SeriesKey series, DateTimeOffset since);
}

// Wire shapes of the metrics API (DESIGN.md §5). Inputs: every field nullable, so the engine names what is missing.

/// <summary><c>POST /api/v1/metrics/events</c> body: up to <see cref="MetricsIngest.MaxEventsPerBatch"/> events.</summary>
/// <remarks>Settable properties rather than a positional record: the JSON reader fills them a third faster.</remarks>
public sealed record MetricEventBatch
{
    public IReadOnlyList<MetricEventInput?>? Events { get; init; }
}

/// <summary>One metric event as posted; <see cref="Timestamp"/> defaults to now, tokens to zero.</summary>
public sealed record MetricEventInput
{
    public string? Model { get; init; }

    public string? Version { get; init; }

    public string? Environment { get; init; }

    public DateTime? Timestamp { get; init; }

    public double? LatencyMs { get; init; }

    public bool? Success { get; init; }

    public int? InputTokens { get; init; }

    public int? OutputTokens { get; init; }

    public string? ErrorType { get; init; }

    /// <summary>For a streamed answer: milliseconds until its first token left the server (at most <see cref="LatencyMs"/>).</summary>
    public double? TimeToFirstTokenMs { get; init; }
}

/// <summary>The answer to an accepted batch: every event was recorded.</summary>
public sealed record MetricsAccepted(int Accepted);

/// <summary><c>GET /api/v1/metrics/summary</c>: query-string values as sent; the engine parses and names bad ones.</summary>
public sealed record MetricsSummaryRequest(string? Model, string? Environment = null, string? WindowSeconds = null);

/// <summary>Per-version live figures of one model (in one environment, or every environment).</summary>
public sealed record MetricsSummaryResult(
    string Model,
    string? Environment,
    int WindowSeconds,
    DateTime At,
    IReadOnlyList<MetricsSummary> Versions);

/// <summary><c>GET /api/v1/metrics/series</c>: query-string values as sent.</summary>
public sealed record MetricSeriesRequest(
    string? Model,
    string? Environment,
    string? Version,
    string? From = null,
    string? To = null,
    string? StepSeconds = null);

/// <summary>One step of a series: history from the minute rollups, the recent part from the live buckets.</summary>
public sealed record MetricPoint(
    DateTime Timestamp,
    long Requests,
    long Errors,
    double ErrorRate,
    double AvgLatencyMs,
    double P50LatencyMs,
    double P95LatencyMs,
    double P99LatencyMs,
    double MaxLatencyMs,
    long InputTokens,
    long OutputTokens,
    long RateLimited = 0,
    long ClientErrors = 0,
    long StreamedRequests = 0,
    double AvgTimeToFirstTokenMs = 0);

public sealed record MetricSeriesResult(
    string Environment,
    string Model,
    string Version,
    DateTime From,
    DateTime To,
    int StepSeconds,
    IReadOnlyList<MetricPoint> Points);
