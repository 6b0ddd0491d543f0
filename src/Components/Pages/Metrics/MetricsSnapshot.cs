using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Pages.Metrics;

/// <summary>
/// The points every chart of the Metrics page starts a range with, one series per version, loaded once through
/// <see cref="SeriesHistory"/>: the live feed's seconds for a live range, the minute rollups for a history range.
/// Later seconds are turned into points with <see cref="Points(LiveSecond)"/>.
/// </summary>
public sealed class MetricsSnapshot(IReadOnlyList<SeriesKey> versions)
{
    private readonly Dictionary<MetricsChartKind, List<ChartPoint>> _points = MetricsChartKind.All.ToDictionary(k => k, _ => new List<ChartPoint>());

    public IReadOnlyList<SeriesKey> Versions { get; } = versions;

    public IReadOnlyList<ChartPoint> this[MetricsChartKind kind] => _points[kind];

    public static async Task<MetricsSnapshot> LoadAsync(SeriesHistory history, IReadOnlyList<SeriesKey> versions, MetricsRange range, DateTime now, CancellationToken cancellationToken = default)
    {
        var snapshot = new MetricsSnapshot(versions);
        for (var i = 0; i < versions.Count; i++)
        {
            var points = range.Live
                ? await history.SinceAsync(versions[i], now - range.Span, cancellationToken)
                : await HistoryAsync(history, versions[i], range, now, cancellationToken);
            foreach (var point in points)
            {
                snapshot.Add(i, point.Point.Timestamp, point.Point, point.Seconds);
            }
        }

        return snapshot;
    }

    /// <summary>
    /// Steps up to now; the last one, still filling, counts only the seconds it has had so far (else its rate would
    /// read as a drop until the step completes).
    /// </summary>
    private static async Task<IReadOnlyList<HistoryPoint>> HistoryAsync(SeriesHistory history, SeriesKey key, MetricsRange range, DateTime now, CancellationToken cancellationToken)
    {
        var to = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var points = await history.RangeAsync(key, to - range.Span, to, range.StepSeconds, cancellationToken);
        return [.. points.Select(p => p.Point.Timestamp.AddSeconds(p.Seconds) > to
            ? p with { Seconds = Math.Max(1, (int)(to - p.Point.Timestamp).TotalSeconds) }
            : p)];
    }

    /// <summary>Adds the seconds that arrived while the snapshot was loading (the chart keeps the newest of a repeated second).</summary>
    public void Add(IEnumerable<LiveSecond> seconds)
    {
        foreach (var second in seconds)
        {
            foreach (var (kind, points) in Points(second))
            {
                _points[kind].AddRange(points);
            }
        }
    }

    /// <summary>One point per version and chart for a second of the live feed.</summary>
    public IEnumerable<(MetricsChartKind Kind, IReadOnlyList<ChartPoint> Points)> Points(LiveSecond second) =>
        MetricsChartKind.All.Select(kind => (kind, (IReadOnlyList<ChartPoint>)[.. Versions.Select((key, i) => new ChartPoint(i, second.At, kind.ValueOf(second.For(key), 1)))]));

    private void Add(int series, DateTime at, MetricPoint point, int seconds)
    {
        foreach (var kind in MetricsChartKind.All)
        {
            _points[kind].Add(new ChartPoint(series, at, kind.ValueOf(point, seconds)));
        }
    }
}
