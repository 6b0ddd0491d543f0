using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// Persists one-minute rollups of every series so that history survives a restart, even <c>kill -9</c>. Every
/// <see cref="TelemetryOptions.FlushIntervalSeconds"/> it writes each minute that changed since the last flush — the
/// minute in progress too, up to the last second before <see cref="CompletionGraceSeconds"/> — all in one
/// <c>SaveChanges</c>; the next flush merges the difference into the existing row (more seconds of the minute, or late
/// events). A crash therefore loses at most the flush interval plus two seconds of events. On stop it writes everything.
/// <para>
/// Counts, sums, tokens and the maximum merge exactly. Percentiles are recomputed from the live histogram while this
/// process holds every event of the row; when the row also holds events from an earlier run (or another instance), they
/// are a request-weighted blend of both parts — an approximation, as percentiles cannot be merged exactly.
/// </para>
/// <para>
/// The series API reads rows before <see cref="FlushedThrough"/> from the database and the seconds from there on from
/// the live buckets: every row this process wrote holds only seconds before it, so nothing is counted twice.
/// </para>
/// </summary>
public sealed partial class MetricRollupWriter : SupervisedWorker
{
    /// <summary>
    /// The current second and the one before it are left to the next flush, so events still in flight for them land in
    /// the live buckets first (a late event is merged by a later flush anyway).
    /// </summary>
    public const int CompletionGraceSeconds = 1;

    /// <summary>Eviction of idle series runs after a flush, at most this often.</summary>
    private const int EvictionIntervalSeconds = 60;

    private readonly MetricsStore _store;
    private readonly SeriesEviction _eviction;
    private readonly IDbContextFactory<RegistryDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly IOptionsMonitor<TelemetryOptions> _options;
    private readonly ILogger<MetricRollupWriter> _logger;
    // Never disposed: the host may dispose services before it stops them, and the final flush still needs it.
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>What this process has written per (series, minute), to write only differences.</summary>
    private readonly Dictionary<(SeriesKey Series, long Minute), WindowFigures> _written = [];

    private long _flushedThroughSecond;
    private long _nextEvictionSecond;

    public MetricRollupWriter(
        WorkerHost host,
        MetricsStore store,
        SeriesEviction eviction,
        IDbContextFactory<RegistryDbContext> dbFactory,
        TimeProvider clock,
        IOptionsMonitor<TelemetryOptions> options,
        ILogger<MetricRollupWriter> logger)
        : base(host)
    {
        _store = store;
        _eviction = eviction;
        _dbFactory = dbFactory;
        _clock = clock;
        _options = options;
        _logger = logger;
        // Minutes before this process started are history only it cannot add to (except by late events, merged later).
        _flushedThroughSecond = MinuteOf(_store.NowSecond());
    }

    /// <summary>
    /// Every second before this instant is in the database (up to late events not yet flushed), and no row this process
    /// wrote holds a later one; the live buckets answer for the time from here on.
    /// </summary>
    public DateTime FlushedThrough => MetricsStore.FromSecond(Volatile.Read(ref _flushedThroughSecond));

    /// <summary>
    /// Runs <paramref name="read"/> with <see cref="FlushedThrough"/> as it stands and no flush under way until it ends,
    /// so the rows it reads hold this process's seconds exactly up to that instant. Read apart, a flush committing in
    /// between left the seconds it moved neither in the rows read nor in the live range after the new instant.
    /// </summary>
    public async Task<T> ReadFlushedAsync<T>(Func<DateTime, Task<T>> read, CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            return await read(FlushedThrough);
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Writes every minute that changed, up to the grace; returns the number of rows inserted or updated.</summary>
    public Task<int> FlushAsync(CancellationToken cancellationToken = default) => FlushAsync(final: false, cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(final: true, cancellationToken);
        }
        catch (Exception e)
        {
            // Stopping goes on regardless: what was flushed before stays, the rest is the crash case.
            LogFinalFlushFailed(_logger, e);
        }
    }

    public override string Name => "metric-rollups";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(_options.CurrentValue.FlushIntervalSeconds);

    /// <summary>
    /// One flush, then eviction when due. Whatever fails (the database above all), the live buckets still hold the
    /// figures and the next flush writes the difference again: the supervised loop logs, backs off and retries.
    /// </summary>
    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        await FlushAsync(final: false, stoppingToken);
        await EvictWhenDueAsync(stoppingToken);
    }

    internal async Task<int> FlushAsync(bool final, CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var now = _store.NowSecond();
            // Seconds before this one are written by this flush.
            var through = final ? now + 1 : now - CompletionGraceSeconds;
            // Minutes whose buckets may already be partly recycled are left as they were last written.
            var oldest = MinuteOf(now - MetricsStore.LongestWindowSeconds);

            var changed = new List<(SeriesKey Series, long Minute, WindowFigures Figures, WindowFigures Written)>();
            foreach (var series in _store.SeriesRecordedSince(oldest))
            {
                for (var minute = oldest; minute < through; minute += 60)
                {
                    var last = Math.Min(minute + 59, through - 1);
                    var counts = _store.Aggregate(series, minute, last, withPercentiles: false);
                    _written.TryGetValue((series, minute), out var written);
                    if (Differs(counts, written))
                    {
                        changed.Add((series, minute, _store.Aggregate(series, minute, last), written));
                    }
                }
            }

            // Advanced before the commit: a query reading outside ReadFlushedAsync may miss the seconds being committed
            // for a moment, but it can never see them both in a row and in the live buckets.
            if (through > Volatile.Read(ref _flushedThroughSecond))
            {
                Volatile.Write(ref _flushedThroughSecond, through);
            }

            var rows = changed.Count == 0 ? 0 : await WriteAsync(changed, cancellationToken);
            foreach (var (series, minute, figures, _) in changed)
            {
                _written[(series, minute)] = figures;
            }

            Forget(oldest);
            return rows;
        }
        finally
        {
            _flushing.Release();
        }
    }

    internal static long MinuteOf(long second) => second - (second % 60);

    private async Task EvictWhenDueAsync(CancellationToken cancellationToken)
    {
        var now = _store.NowSecond();
        if (now < _nextEvictionSecond)
        {
            return;
        }

        _nextEvictionSecond = now + EvictionIntervalSeconds;
        var removed = await _eviction.EvictAsync(cancellationToken);
        if (removed > 0)
        {
            LogEvicted(_logger, removed, _store.LiveSeriesCount);
        }
    }

    private async Task<int> WriteAsync(
        List<(SeriesKey Series, long Minute, WindowFigures Figures, WindowFigures Written)> changed,
        CancellationToken cancellationToken)
    {
        var first = MetricsStore.FromSecond(changed.Min(c => c.Minute));
        var last = MetricsStore.FromSecond(changed.Max(c => c.Minute));
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.MetricRollups
            .Where(r => r.MinuteStart >= first && r.MinuteStart <= last)
            .ToDictionaryAsync(r => (new SeriesKey(r.EnvironmentName, r.ModelName, r.Version), MetricsStore.ToSecond(r.MinuteStart)), cancellationToken);

        foreach (var (series, minute, figures, written) in changed)
        {
            if (!existing.TryGetValue((series, minute), out var row))
            {
                var inserted = new MetricRollup
                {
                    EnvironmentName = series.Environment,
                    ModelName = series.Model,
                    Version = series.Version,
                    MinuteStart = MetricsStore.FromSecond(minute),
                };
                Apply(inserted, figures, default, foreignRequests: 0);
                db.MetricRollups.Add(inserted);
                continue;
            }

            // Whatever the row holds beyond what this process wrote came from an earlier run or another instance.
            Apply(row, figures, written, foreignRequests: Math.Max(0, row.Requests - written.Requests));
        }

        await db.SaveChangesAsync(cancellationToken);
        return changed.Count;
    }

    private static void Apply(MetricRollup row, in WindowFigures figures, in WindowFigures written, long foreignRequests)
    {
        row.Requests += figures.Requests - written.Requests;
        row.Errors += figures.Errors - written.Errors;
        row.LatencySumMs += (figures.LatencySumMicros - written.LatencySumMicros) / 1000.0;
        row.InputTokens += figures.InputTokens - written.InputTokens;
        row.OutputTokens += figures.OutputTokens - written.OutputTokens;
        row.RateLimited += figures.RateLimited - written.RateLimited;
        row.ClientErrors += figures.ClientErrors - written.ClientErrors;
        row.MaxLatencyMs = Math.Max(row.MaxLatencyMs, figures.MaxMicros / 1000.0);
        row.StreamedRequests += figures.FirstToken.Count - written.FirstToken.Count;
        row.TimeToFirstTokenSumMs += (figures.FirstToken.SumMicros - written.FirstToken.SumMicros) / 1000.0;
        row.MaxTimeToFirstTokenMs = Math.Max(row.MaxTimeToFirstTokenMs, figures.FirstToken.MaxMicros / 1000.0);
        var total = foreignRequests + figures.Requests;
        row.P50LatencyMs = Blend(row.P50LatencyMs, foreignRequests, figures.P50Micros / 1000.0, figures.Requests, total);
        row.P95LatencyMs = Blend(row.P95LatencyMs, foreignRequests, figures.P95Micros / 1000.0, figures.Requests, total);
        row.P99LatencyMs = Blend(row.P99LatencyMs, foreignRequests, figures.P99Micros / 1000.0, figures.Requests, total);
    }

    private static double Blend(double foreign, long foreignWeight, double own, long ownWeight, long total) =>
        total == 0 ? 0 : foreignWeight == 0 ? own : ((foreign * foreignWeight) + (own * ownWeight)) / total;

    private static bool Differs(in WindowFigures figures, in WindowFigures written) =>
        figures.Requests != written.Requests
        || figures.Errors != written.Errors
        || figures.LatencySumMicros != written.LatencySumMicros
        || figures.InputTokens != written.InputTokens
        || figures.OutputTokens != written.OutputTokens
        || figures.RateLimited != written.RateLimited
        || figures.ClientErrors != written.ClientErrors
        || figures.FirstToken.Count != written.FirstToken.Count;

    private void Forget(long oldestMinute)
    {
        List<(SeriesKey, long)>? gone = null;
        foreach (var key in _written.Keys)
        {
            if (key.Minute < oldestMinute)
            {
                (gone ??= []).Add(key);
            }
        }

        foreach (var key in gone ?? [])
        {
            _written.Remove(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicted {Removed} idle series that no route names; {Held} live series remain.")]
    private static partial void LogEvicted(ILogger logger, int removed, int held);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not persist the last metric rollups while stopping.")]
    private static partial void LogFinalFlushFailed(ILogger logger, Exception exception);
}
