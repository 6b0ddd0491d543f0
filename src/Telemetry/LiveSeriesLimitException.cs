using System.Globalization;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// A batch named a new series while the store already held <see cref="Limit"/> live series
/// (<see cref="TelemetryOptions.MaxLiveSeries"/>): the whole batch was refused, nothing of it recorded. The API answers
/// 429; room comes back as idle series that no route names are evicted.
/// </summary>
public sealed class LiveSeriesLimitException(int limit, SeriesKey series, int eventIndex)
    : OperationException(Describe(limit, series, eventIndex))
{
    /// <summary>How long, at the soonest, until eviction can make room (it looks once a minute).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(60);

    public int Limit { get; } = limit;

    /// <summary>The first series of the batch that did not fit.</summary>
    public SeriesKey Series { get; } = series;

    /// <summary>The index of the first event for <see cref="Series"/> in the batch.</summary>
    public int EventIndex { get; } = eventIndex;

    private static string Describe(int limit, SeriesKey series, int index) => string.Create(
        CultureInfo.InvariantCulture,
        $"Telemetry holds its limit of {limit:N0} live series (Telemetry:MaxLiveSeries), so events for a new series are refused: " +
        $"events[{index}] is the first for '{series}' (environment '{series.Environment}', model '{series.Model}', version '{series.Version}'). " +
        $"The whole batch was refused and nothing of it was recorded; events of series already held are accepted. " +
        $"A series that no route names is evicted after {MetricsStore.LongestWindowSeconds / 60} minutes without events.");
}
