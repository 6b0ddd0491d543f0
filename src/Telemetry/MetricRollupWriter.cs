using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// Persists one-minute rollups of every series so that history survives a restart. Every
/// <see cref="TelemetryOptions.FlushIntervalSeconds"/> it writes each completed minute that changed since the last flush,
/// all in one <c>SaveChanges</c>; a late event makes its minute change again, and the next flush merges the difference
/// into the existing row. On stop it also writes the minute in progress.
/// <para>
/// Counts, sums, tokens and the maximum merge exactly. Percentiles are recomputed from the live histogram while this
/// process holds every event of the row; when the row also holds events from an earlier run (or another instance), they
/// are a request-weighted blend of both parts — an approximation, as percentiles cannot be merged exactly.
/// </para>
/// </summary>
public sealed partial class MetricRollupWriter : BackgroundService
{
    /// <summary>A minute is complete this long after its end, so events still in flight for it are included.</summary>
    private static readonly TimeSpan CompletionGrace = TimeSpan.FromSeconds(2);

    private readonly MetricsStore _store;
    private readonly IDbContextFactory<RegistryDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly IOptionsMonitor<TelemetryOptions> _options;
    private readonly ILogger<MetricRollupWriter> _logger;
    // Never disposed: the host may dispose services before it stops them, and the final flush still needs it.
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>What this process has written per (series, minute), to write only differences.</summary>
    private readonly Dictionary<(SeriesKey Series, long Minute), WindowFigures> _written = [];

    private long _flushedThroughSecond;

    public MetricRollupWriter(
        MetricsStore store,
        IDbContextFactory<RegistryDbContext> dbFactory,
        TimeProvider clock,
        IOptionsMonitor<TelemetryOptions> options,
        ILogger<MetricRollupWriter> logger)
    {
        _store = store;
        _dbFactory = dbFactory;
        _clock = clock;
        _options = options;
        _logger = logger;
        // Minutes before this process started are history only it cannot add to (except by late events, merged later).
        _flushedThroughSecond = MinuteOf(_store.NowSecond());
    }

    /// <summary>
    /// Every minute before this instant is in the database (up to late events not yet flushed); the live buckets
    /// answer for the time from here on.
    /// </summary>
    public DateTime FlushedThrough => MetricsStore.FromSecond(Volatile.Read(ref _flushedThroughSecond));

    /// <summary>Writes every completed minute that changed; returns the number of rows inserted or updated.</summary>
    public Task<int> FlushAsync(CancellationToken cancellationToken = default) => FlushAsync(includeCurrentMinute: false, cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(includeCurrentMinute: true, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or DbUpdateException or InvalidOperationException or ObjectDisposedException)
        {
            LogFinalFlushFailed(_logger, e);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.CurrentValue.FlushIntervalSeconds), _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(includeCurrentMinute: false, stoppingToken);
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
                {
                    // The live buckets still hold the figures; the next flush writes the difference again.
                    LogFlushFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task<int> FlushAsync(bool includeCurrentMinute, CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var now = _store.NowSecond();
            var completeBefore = includeCurrentMinute
                ? MinuteOf(now) + 60
                : MinuteOf(now - (long)CompletionGrace.TotalSeconds);
            // Minutes whose buckets may already be partly recycled are left as they were last written.
            var oldest = MinuteOf(now - MetricsStore.LongestWindowSeconds);

            var changed = new List<(SeriesKey Series, long Minute, WindowFigures Figures, WindowFigures Written)>();
            foreach (var series in _store.KnownSeries)
            {
                for (var minute = oldest; minute < completeBefore; minute += 60)
                {
                    var counts = _store.Aggregate(series, minute, minute + 59, withPercentiles: false);
                    _written.TryGetValue((series, minute), out var written);
                    if (Differs(counts, written))
                    {
                        changed.Add((series, minute, _store.Aggregate(series, minute, minute + 59), written));
                    }
                }
            }

            var rows = changed.Count == 0 ? 0 : await WriteAsync(changed, cancellationToken);
            foreach (var (series, minute, figures, _) in changed)
            {
                _written[(series, minute)] = figures;
            }

            Forget(oldest);
            if (!includeCurrentMinute && completeBefore > Volatile.Read(ref _flushedThroughSecond))
            {
                Volatile.Write(ref _flushedThroughSecond, completeBefore);
            }

            return rows;
        }
        finally
        {
            _flushing.Release();
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
        row.MaxLatencyMs = Math.Max(row.MaxLatencyMs, figures.MaxMicros / 1000.0);
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
        || figures.OutputTokens != written.OutputTokens;

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

    private static long MinuteOf(long second) => second - (second % 60);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not persist metric rollups; the next flush tries again.")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not persist the last metric rollups while stopping.")]
    private static partial void LogFinalFlushFailed(ILogger logger, Exception exception);
}
