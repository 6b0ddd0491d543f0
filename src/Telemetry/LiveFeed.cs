using ModelRegistry.Dashboard.Core.Fanout;
using ModelRegistry.Dashboard.Core.Workers;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The figures of one completed second, per series that recorded anything in it (a series with no traffic in that
/// second is absent: a chart draws zero requests, not a gap, for a series it follows).
/// </summary>
public sealed record LiveSecond(DateTime At, IReadOnlyDictionary<SeriesKey, MetricPoint> Points)
{
    public MetricPoint? For(SeriesKey series) => Points.TryGetValue(series, out var point) ? point : null;
}

/// <summary>
/// The one shared live feed behind every chart (the snapshot + delta pattern of the Aspire dashboard): once a second the
/// <see cref="LiveFeedWorker"/> reads the second that just ended from the in-memory buckets and publishes it here; a page
/// loads the recent seconds once with <see cref="Recent"/>, then receives each new second on its subscription. No page
/// queries the database or recomputes a window per second.
/// </summary>
/// <remarks>
/// Each subscriber has a small bounded channel that drops its oldest second when full: a page that falls behind loses
/// intermediate points and never blocks the feed or another page.
/// </remarks>
public sealed class LiveFeed
{
    /// <summary>Seconds kept for a page's first load: the longest live range a chart offers (15 minutes).</summary>
    public const int RetainedSeconds = MetricsStore.LongestWindowSeconds;

    private const int SubscriberCapacity = 4;
    private readonly Fanout<LiveSecond> _fanout = new(SubscriberCapacity);
    private readonly Lock _gate = new();
    private readonly LiveSecond?[] _ring = new LiveSecond?[RetainedSeconds];
    private long _newestSecond = -1;

    public int SubscriberCount => _fanout.SubscriberCount;

    /// <summary>The newest published second, or null before the first.</summary>
    public LiveSecond? Latest
    {
        get
        {
            lock (_gate)
            {
                return _newestSecond < 0 ? null : _ring[_newestSecond % RetainedSeconds];
            }
        }
    }

    /// <summary>Adds a completed second and hands it to every subscriber. Seconds at or before the newest are ignored.</summary>
    public void Publish(LiveSecond second)
    {
        var index = MetricsStore.ToSecond(second.At);
        lock (_gate)
        {
            if (index <= _newestSecond)
            {
                return;
            }

            // Seconds skipped (a stalled worker) must not show the figures of 15 minutes ago.
            for (var gap = Math.Max(_newestSecond + 1, index - RetainedSeconds + 1); gap < index; gap++)
            {
                _ring[gap % RetainedSeconds] = null;
            }

            _ring[index % RetainedSeconds] = second;
            _newestSecond = index;
        }

        _fanout.Publish(second);
    }

    /// <summary>The retained seconds at or after <paramref name="from"/>, oldest first (at most the last 15 minutes).</summary>
    public IReadOnlyList<LiveSecond> Recent(DateTime from)
    {
        var fromSecond = MetricsStore.ToSecond(from);
        var seconds = new List<LiveSecond>();
        lock (_gate)
        {
            if (_newestSecond < 0)
            {
                return seconds;
            }

            for (var s = Math.Max(fromSecond, _newestSecond - RetainedSeconds + 1); s <= _newestSecond; s++)
            {
                if (_ring[s % RetainedSeconds] is { } second && MetricsStore.ToSecond(second.At) == s)
                {
                    seconds.Add(second);
                }
            }
        }

        return seconds;
    }

    /// <summary>Starts receiving each new second; dispose the subscription to stop.</summary>
    public Subscription<LiveSecond> Subscribe() => _fanout.Subscribe();
}

/// <summary>
/// Publishes each second to the <see cref="LiveFeed"/> just after it ends (aligned to the clock's second boundary, so a
/// point reaches the browser a fraction of a second after its second closed): one read of the one-second buckets per
/// active series, shared by every open page.
/// </summary>
public sealed class LiveFeedWorker(WorkerHost host, MetricsStore store, LiveFeed feed) : SupervisedWorker(host)
{
    /// <summary>How long after a second ends it is read: events stamped at its last instant have arrived.</summary>
    internal static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(20);

    public override string Name => "live-feed";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override Task RunOnceAsync(CancellationToken stoppingToken)
    {
        PublishCompletedSecond();
        return Task.CompletedTask;
    }

    /// <summary>Reads the second before the current one for every active series and publishes it.</summary>
    internal LiveSecond PublishCompletedSecond()
    {
        var second = store.NowSecond() - 1;
        var points = new Dictionary<SeriesKey, MetricPoint>();
        foreach (var series in store.ActiveSeries)
        {
            var figures = store.Aggregate(series, second, second);
            if (!figures.IsEmpty)
            {
                points[series] = MetricPoints.From(MetricsStore.FromSecond(second), figures);
            }
        }

        var published = new LiveSecond(MetricsStore.FromSecond(second), points);
        feed.Publish(published);
        return published;
    }

    /// <summary>Waits for the next second boundary (plus <see cref="SettleDelay"/>) rather than a drifting tick.</summary>
    protected override async Task<bool> WaitForNextRunAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        var now = Host.Clock.GetUtcNow();
        var untilBoundary = TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (now.UtcTicks % TimeSpan.TicksPerSecond));
        await Task.Delay(untilBoundary + SettleDelay, Host.Clock, stoppingToken);
        return true;
    }
}
