using System.Buffers;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The live aggregation of metric events, per <see cref="SeriesKey"/>, in one-second buckets (the last two minutes)
/// and ten-second blocks (up to the 15-minute window and a little beyond). Shared by every writer and reader.
/// <para>
/// Recording is allocation-free and never waits on a reader for long: a lookup in a lock-free series table (cheap hash,
/// reference comparison of the names), an epoch check of the second's bucket, and a few plain adds under that bucket's
/// spin lock (one compare-and-swap). The series lock is taken only when a bucket is reused for a new second, and by
/// readers. About 40 ns per event on the 2-core benchmark machine (docs/benchmarks.md).
/// </para>
/// <para>
/// Latency percentiles come from HdrHistogram (an <c>IntHistogram</c> per bucket, microseconds, two significant digits):
/// each reported percentile is within <see cref="LatencyRelativeError"/> (1%) of the exact value of the recorded
/// events; averages, counts, error rates and tokens are exact. Window edges are exact to the second for the last two
/// minutes and to ten seconds further back.
/// </para>
/// </summary>
public sealed class MetricsStore(TimeProvider clock) : IMetricsReader
{
    /// <summary>The longest live window (15 minutes); older events are not recorded.</summary>
    public const int LongestWindowSeconds = 900;

    /// <summary>The stated bound on the relative error of latency percentiles.</summary>
    public const double LatencyRelativeError = LatencyScale.RelativeError;

    private readonly SeriesTable _series = new();

    /// <summary>The real clock is read through a per-second cache (see <see cref="NowSecond"/>); any other clock directly.</summary>
    private readonly bool _systemClock = ReferenceEquals(clock, TimeProvider.System);

    private CachedSecond? _cachedSecond;

    public IReadOnlyCollection<SeriesKey> ActiveSeries
    {
        get
        {
            var since = NowSecond() - LongestWindowSeconds;
            var active = new List<SeriesKey>();
            foreach (var series in _series.Snapshot())
            {
                if (series.LastSecond > since)
                {
                    active.Add(series.Key);
                }
            }

            return active;
        }
    }

    /// <summary>Every series held, active or not (evicted ones are gone: see <see cref="SeriesEviction"/>).</summary>
    public IReadOnlyCollection<SeriesKey> KnownSeries => [.. _series.Snapshot().Select(s => s.Key)];

    /// <summary>The held series that recorded anything at or after <paramref name="second"/> (absolute second).</summary>
    internal List<SeriesKey> SeriesRecordedSince(long second) =>
        [.. _series.Snapshot().Where(s => s.LastSecond >= second).Select(s => s.Key)];

    /// <summary>
    /// Records one event. A timestamp in the future counts as now; a default timestamp means now; an event older than
    /// the longest window is not recorded (returns <c>false</c>). Callers outside the engine go through
    /// <see cref="MetricsIngest"/>, which validates first.
    /// </summary>
    public bool Record(in MetricEvent metricEvent) => Record(in metricEvent, NowSecond());

    /// <summary>How many series the store holds now (at most the ingest's live-series cap, plus engine-recorded ones).</summary>
    public int LiveSeriesCount => _series.Count;

    /// <summary>Records a batch against one reading of the clock, with no cap on new series; returns how many were recorded.</summary>
    public int Record(ReadOnlySpan<MetricEvent> events) => Record(events, int.MaxValue).Recorded;

    /// <summary>
    /// Records a batch against one reading of the clock — all of it, or nothing when its new series would take the store
    /// past <paramref name="maxLiveSeries"/>. Every series is looked up (and the new ones added, all or none) before the
    /// first event is recorded.
    /// </summary>
    internal RecordOutcome Record(ReadOnlySpan<MetricEvent> events, int maxLiveSeries)
    {
        var resolved = ArrayPool<SeriesBuckets?>.Shared.Rent(events.Length);
        try
        {
            if (!Resolve(events, resolved, maxLiveSeries, out var refused))
            {
                return refused;
            }

            var now = NowSecond();
            var recorded = 0;
            for (var i = 0; i < events.Length; i++)
            {
                if (RecordInto(resolved[i]!, in events[i], now))
                {
                    recorded++;
                }
            }

            return new RecordOutcome(recorded, -1, default);
        }
        finally
        {
            Array.Clear(resolved, 0, events.Length);
            ArrayPool<SeriesBuckets?>.Shared.Return(resolved);
        }
    }

    /// <summary>
    /// Marks for eviction, or removes, the series among <paramref name="idle"/> that recorded nothing at or after
    /// <paramref name="idleBefore"/> and that <paramref name="named"/> does not name: a series is marked first and removed
    /// on a later call at least <paramref name="graceSeconds"/> after, unless a writer revived it meanwhile. Returns
    /// how many were removed.
    /// </summary>
    internal int Evict(IReadOnlyList<SeriesBuckets> idle, Func<SeriesKey, bool> named, long idleBefore, int graceSeconds)
    {
        var now = NowSecond();
        var due = new List<SeriesBuckets>();
        foreach (var series in idle)
        {
            if (series.LastSecond >= idleBefore || named(series.Key))
            {
                series.RetiringSince = 0;
            }
            else if (series.RetiringSince == 0)
            {
                series.RetiringSince = now;
            }
            else if (series.RetiringSince <= now - graceSeconds)
            {
                due.Add(series);
            }
        }

        return due.Count == 0 ? 0 : _series.RemoveRetired(due, now - graceSeconds, idleBefore);
    }

    /// <summary>The series that recorded nothing at or after <paramref name="idleBefore"/> (absolute second).</summary>
    internal List<SeriesBuckets> IdleSeries(long idleBefore) => [.. _series.Snapshot().Where(s => s.LastSecond < idleBefore)];

    public MetricsSummary Summarize(SeriesKey series, TimeSpan window)
    {
        var seconds = (int)Math.Clamp(Math.Round(window.TotalSeconds), 1, LongestWindowSeconds);
        var now = NowSecond();
        var figures = _series.Find(series) is { } buckets ? buckets.Aggregate(now - seconds + 1, now) : default;
        return ToSummary(series, seconds, figures);
    }

    public MetricsSummary SummarizeSince(SeriesKey series, DateTimeOffset since)
    {
        var now = NowSecond();
        var from = Math.Clamp(since.UtcTicks / TimeSpan.TicksPerSecond, now - LongestWindowSeconds + 1, now);
        var figures = _series.Find(series) is { } buckets ? buckets.Aggregate(from, now) : default;
        return ToSummary(series, (int)(now - from + 1), figures);
    }

    /// <summary>The figures of the seconds [<paramref name="fromSecond"/>, <paramref name="toSecond"/>] (absolute seconds).</summary>
    internal WindowFigures Aggregate(SeriesKey series, long fromSecond, long toSecond, bool withPercentiles = true) =>
        _series.Find(series) is { } buckets ? buckets.Aggregate(fromSecond, toSecond, withPercentiles) : default;

    /// <summary>Everything recorded for <paramref name="series"/> since the process started (for counters).</summary>
    internal MetricTotals Totals(SeriesKey series) =>
        _series.Find(series) is { } buckets ? buckets.Totals() : default;

    /// <summary>
    /// The current UTC second. On the system clock the value is cached until the next second boundary, measured on the
    /// millisecond tick counter (a few ns to read, where reading the wall clock costs about 20): the per-event
    /// <see cref="Record(in MetricEvent)"/> would otherwise spend a fifth of its budget asking for the time.
    /// </summary>
    internal long NowSecond()
    {
        if (!_systemClock)
        {
            return clock.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond;
        }

        var tick = Environment.TickCount64;
        var cached = Volatile.Read(ref _cachedSecond);
        if (cached is not null && tick < cached.UntilTick)
        {
            return cached.Second;
        }

        var now = clock.GetUtcNow().UtcTicks;
        var second = now / TimeSpan.TicksPerSecond;
        // The tick counter may be a few milliseconds coarse: stop trusting the cache a little before the boundary.
        var untilBoundary = ((TimeSpan.TicksPerSecond - (now % TimeSpan.TicksPerSecond)) / TimeSpan.TicksPerMillisecond) - 10;
        Volatile.Write(ref _cachedSecond, new CachedSecond(second, tick + untilBoundary));
        return second;
    }

    internal static long ToSecond(DateTime utc) => utc.Ticks / TimeSpan.TicksPerSecond;

    internal static DateTime FromSecond(long second) => new(second * TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    internal static MetricsSummary ToSummary(SeriesKey series, int windowSeconds, in WindowFigures f)
    {
        var requests = f.Requests;
        return new MetricsSummary(
            series.Environment,
            series.Model,
            series.Version,
            windowSeconds,
            requests,
            f.Errors,
            requests == 0 ? 0 : (double)f.Errors / requests,
            requests == 0 ? 0 : (double)(requests - f.Errors) / requests,
            requests == 0 ? 0 : f.LatencySumMicros / 1000.0 / requests,
            f.P50Micros / 1000.0,
            f.P95Micros / 1000.0,
            f.P99Micros / 1000.0,
            f.MaxMicros / 1000.0,
            f.InputTokens,
            f.OutputTokens,
            requests == 0 ? 0 : (double)(f.InputTokens + f.OutputTokens) / requests,
            null,
            f.RateLimited,
            f.ClientErrors,
            f.FirstToken.Count,
            f.FirstToken.AverageMs,
            f.FirstToken.MaxMicros / 1000.0);
    }

    private bool Record(in MetricEvent e, long now) => RecordInto(GetSeries(e.Series), in e, now);

    private static bool RecordInto(SeriesBuckets series, in MetricEvent e, long now)
    {
        var second = SecondOf(e.Timestamp, now);
        var age = now - second;
        if (age >= LongestWindowSeconds)
        {
            return false;
        }

        return series.Record(second, age, LatencyScale.ToMicros(e.LatencyMs), e.Success, Math.Max(e.InputTokens, 0), Math.Max(e.OutputTokens, 0), e.Success ? ExcusedKind.None : ErrorTypes.Excused(e.ErrorType),
            e.TimeToFirstTokenMs is { } firstToken ? LatencyScale.ToMicros(firstToken) : -1);
    }

    /// <summary>The absolute second of <paramref name="timestamp"/>: now for a default one, and never later than now.</summary>
    private static long SecondOf(DateTime timestamp, long now)
    {
        if (timestamp.Ticks == 0)
        {
            return now;
        }

        var second = (timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : timestamp).Ticks / TimeSpan.TicksPerSecond;

        // Clock skew of the sender: count it now rather than in a second that has not happened yet.
        return Math.Min(second, now);
    }

    /// <summary>
    /// Merges aggregates measured elsewhere (standalone gateways) — all of them, or none when their new series would take
    /// the store past <paramref name="maxLiveSeries"/>; one older than the longest window is not recorded.
    /// </summary>
    internal RecordOutcome Record(IReadOnlyList<MetricAggregate> aggregates, int maxLiveSeries)
    {
        var keys = new MetricEvent[aggregates.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new MetricEvent(aggregates[i].Series, default, 0, true, 0, 0);
        }

        var resolved = new SeriesBuckets?[keys.Length];
        if (!Resolve(keys, resolved, maxLiveSeries, out var refused))
        {
            return refused;
        }

        var now = NowSecond();
        var recorded = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            var aggregate = aggregates[i];
            var second = SecondOf(aggregate.Timestamp, now);
            if (now - second < LongestWindowSeconds && resolved[i]!.Record(second, now - second, aggregate.Figures, aggregate.Counts))
            {
                recorded++;
            }
        }

        return new RecordOutcome(recorded, -1, default);
    }

    private SeriesBuckets GetSeries(in SeriesKey key)
    {
        while (true)
        {
            var series = _series.GetOrAdd(in key);
            if (!series.IsRetiring || _series.Revive(series))
            {
                return series;
            }
        }
    }

    /// <summary>The held series, revived when retiring, or <c>null</c> when the store does not hold it.</summary>
    private SeriesBuckets? FindLive(in SeriesKey key) =>
        _series.Find(in key) is { } series && (!series.IsRetiring || _series.Revive(series)) ? series : null;

    /// <summary>Fills <paramref name="resolved"/> with each event's series, adding the new ones if they all fit.</summary>
    private bool Resolve(ReadOnlySpan<MetricEvent> events, SeriesBuckets?[] resolved, int maxLiveSeries, out RecordOutcome refused)
    {
        refused = default;
        List<SeriesKey>? missing = null;
        HashSet<SeriesKey>? missingSet = null;
        var recent = new RecentSeries<SeriesBuckets?>();
        for (var i = 0; i < events.Length; i++)
        {
            var key = events[i].Series;
            if (!recent.TryFind(key, out var series))
            {
                series = FindLive(in key);
                recent.Remember(key, series);
                if (series is null && (missingSet ??= new HashSet<SeriesKey>(SeriesKeyComparer.Instance)).Add(key))
                {
                    (missing ??= []).Add(key);
                }
            }

            resolved[i] = series;
        }

        if (missing is null)
        {
            return true;
        }

        if (!_series.TryAddAll(missing, maxLiveSeries, out var first))
        {
            var index = 0;
            while (!SeriesTable.SameNames(events[index].Series, first))
            {
                index++;
            }

            refused = new RecordOutcome(0, index, first);
            return false;
        }

        for (var i = 0; i < events.Length; i++)
        {
            resolved[i] ??= GetSeries(events[i].Series);
        }

        return true;
    }

    /// <summary>One immutable pair, so a reader never sees the second of one refresh with the deadline of another.</summary>
    private sealed record CachedSecond(long Second, long UntilTick);
}

/// <summary>What a capped batch record did: <see cref="Recorded"/> events, or none when <see cref="RefusedIndex"/> (≥ 0)
/// names the first event of <see cref="RefusedSeries"/>, the first new series past the cap.</summary>
internal readonly record struct RecordOutcome(int Recorded, int RefusedIndex, SeriesKey RefusedSeries)
{
    public bool IsRefused => RefusedIndex >= 0;
}
