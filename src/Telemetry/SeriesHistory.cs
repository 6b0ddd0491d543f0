namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>One point of a chart's history and the seconds it covers (1 from the live feed, 60 or more from the rollups).</summary>
/// <remarks>A rate is <c>Point.Requests / Seconds</c>: a minute point is not sixty times a second point.</remarks>
public sealed record HistoryPoint(MetricPoint Point, int Seconds)
{
    public double RequestsPerSecond => (double)Point.Requests / Seconds;

    public double TokensPerRequest => Point.Requests == 0 ? 0 : (double)(Point.InputTokens + Point.OutputTokens) / Point.Requests;
}

/// <summary>
/// The snapshot a chart loads once before it follows the <see cref="LiveFeed"/>: the seconds the feed still holds, at
/// one-second resolution, and before them (older than 15 minutes, or from before a restart) the persisted minute
/// rollups. Loaded once per page, never per second.
/// </summary>
public sealed class SeriesHistory(LiveFeed feed, MetricsQueries queries, TimeProvider clock)
{
    /// <summary>
    /// The points of <paramref name="series"/> from <paramref name="from"/> to now: one per second for the seconds the live
    /// feed holds, one per minute before that. A second without traffic is a zero point, so a line never skips it.
    /// </summary>
    public async Task<IReadOnlyList<HistoryPoint>> SinceAsync(SeriesKey series, DateTime from, CancellationToken cancellationToken = default)
    {
        var seconds = feed.Recent(from);
        var liveStart = seconds.Count > 0 ? seconds[0].At : clock.GetUtcNow().UtcDateTime;
        var points = new List<HistoryPoint>(seconds.Count + 16);

        // Whole minutes before the first live second come from the rollups (a restart, or a range past 15 minutes).
        var fromMinute = Floor(from, 60);
        var liveMinute = Floor(liveStart, 60);
        if (fromMinute < liveMinute)
        {
            points.AddRange(await RangeAsync(series, fromMinute, liveMinute, 60, cancellationToken));
        }

        var liveFrom = MetricsStore.ToSecond(liveMinute > fromMinute ? liveMinute : from);
        foreach (var second in seconds)
        {
            if (MetricsStore.ToSecond(second.At) >= liveFrom)
            {
                points.Add(new HistoryPoint(second.For(series) ?? Empty(second.At), 1));
            }
        }

        return points;
    }

    /// <summary>
    /// The points of <paramref name="series"/> in [<paramref name="from"/>, <paramref name="to"/>) every
    /// <paramref name="stepSeconds"/> (at least a minute: the rollups' resolution) — the 1 h / 24 h / 7 d ranges.
    /// </summary>
    public async Task<IReadOnlyList<HistoryPoint>> RangeAsync(SeriesKey series, DateTime from, DateTime to, int stepSeconds, CancellationToken cancellationToken = default)
    {
        var step = Math.Max(60, stepSeconds);
        var result = await queries.SeriesAsync(new MetricSeriesRequest(
            series.Model,
            series.Environment,
            series.Version,
            ToText(Floor(from, step)),
            ToText(to),
            step.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
        return [.. result.Points.Select(p => new HistoryPoint(p, step))];
    }

    private static MetricPoint Empty(DateTime at) => new(at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static DateTime Floor(DateTime time, int seconds) =>
        new(time.Ticks - (time.Ticks % (seconds * TimeSpan.TicksPerSecond)), DateTimeKind.Utc);

    private static string ToText(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
