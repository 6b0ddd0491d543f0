using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Alerts;

/// <summary>
/// Evaluates every enabled rule against every live series in its scope, once per <see cref="AlertOptions.EvaluationSeconds"/>.
/// A breach held for the rule's "for" duration fires an alert; a clear window resolves it. Below the rule's minimum sample
/// count nothing changes ("insufficient data"), except that a window with no traffic at all resolves an open alert.
/// The only writer of firing and resolving; open alerts are read back from the database, so a restart resumes them.
/// </summary>
public sealed partial class AlertEvaluator(
    IDbContextFactory<RegistryDbContext> dbFactory,
    IMetricsReader metrics,
    IChangeNotifier notifier,
    TimeProvider clock,
    IOptionsMonitor<AlertOptions> options,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private static readonly TimeSpan LastValueRefresh = TimeSpan.FromSeconds(5);
    private readonly Dictionary<(int RuleId, SeriesKey Series), DateTime> _breachingSince = [];
    private readonly Dictionary<long, DateTime> _lastValueWritten = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CurrentValue.EvaluationSeconds), clock);
        do
        {
            try
            {
                await EvaluateOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEvaluationFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One evaluation round (the timer calls it; tests may too).</summary>
    public async Task EvaluateOnceAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EvaluateCoreAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EvaluateCoreAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rules = await db.AlertRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(cancellationToken);
        var open = await db.Alerts.Where(a => a.State != AlertState.Resolved).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var announcements = new List<Change>();
        var evaluated = new HashSet<Alert>();
        var series = metrics.ActiveSeries;
        // Rules sharing a window (the two defaults both use 60 s) read each series' summary once per round.
        var summaries = new Dictionary<(SeriesKey, int), MetricsSummary>();

        foreach (var rule in rules)
        {
            foreach (var key in series)
            {
                if ((rule.ModelName is not null && rule.ModelName != key.Model) || (rule.EnvironmentName is not null && rule.EnvironmentName != key.Environment))
                {
                    continue;
                }

                var alert = open.Find(a => a.RuleId == rule.Id && a.EnvironmentName == key.Environment && a.ModelName == key.Model && a.Version == key.Version);
                if (alert is not null)
                {
                    evaluated.Add(alert);
                }

                if (!summaries.TryGetValue((key, rule.WindowSeconds), out var summary))
                {
                    summary = metrics.Summarize(key, TimeSpan.FromSeconds(rule.WindowSeconds));
                    summaries[(key, rule.WindowSeconds)] = summary;
                }

                if (summary.Requests < rule.MinSamples)
                {
                    _breachingSince.Remove((rule.Id, key));
                    if (alert is not null && summary.Requests == 0)
                    {
                        announcements.Add(Resolve(alert, alert.LastValue, now, "no traffic in the window"));
                    }

                    continue;
                }

                var value = AlertMetrics.ValueOf(summary, rule.Metric);
                if (!AlertMetrics.Breaches(rule.Comparator, value, rule.Threshold))
                {
                    _breachingSince.Remove((rule.Id, key));
                    if (alert is not null)
                    {
                        announcements.Add(Resolve(alert, value, now, $"now {AlertMetrics.Format(rule.Metric, value)}"));
                    }

                    continue;
                }

                if (alert is not null)
                {
                    // Still breaching: refresh the shown value now and then, not every tick.
                    if (!_lastValueWritten.TryGetValue(alert.Id, out var written) || now - written >= LastValueRefresh)
                    {
                        alert.LastValue = value;
                        _lastValueWritten[alert.Id] = now;
                    }

                    continue;
                }

                if (!_breachingSince.TryGetValue((rule.Id, key), out var since))
                {
                    _breachingSince[(rule.Id, key)] = since = now;
                }

                if ((now - since).TotalSeconds >= rule.ForSeconds)
                {
                    var fired = Fire(rule, key, value, now);
                    db.Alerts.Add(fired);
                    _breachingSince.Remove((rule.Id, key));
                    announcements.Add(new Change(ChangeKind.AlertChanged, key.Model, key.Version, key.Environment,
                        AlertAnnouncements.Fired + $"{AlertMetrics.Describe(rule.Metric, rule.Comparator, rule.Threshold)} on {key} — now {AlertMetrics.Format(rule.Metric, value)}."));
                }
            }
        }

        // Open alerts whose rule is gone or disabled, or whose series went quiet past every window, resolve.
        foreach (var alert in open.Where(a => !evaluated.Contains(a)))
        {
            var reason = rules.Exists(r => r.Id == alert.RuleId) ? "no traffic any more" : "its rule was disabled or deleted";
            announcements.Add(Resolve(alert, alert.LastValue, now, reason));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An operator acknowledged an alert during this round; the next round sees it.
            return;
        }

        foreach (var change in announcements)
        {
            notifier.Publish(change);
        }
    }

    private static Alert Fire(AlertRule rule, SeriesKey key, double value, DateTime now) => new()
    {
        RuleId = rule.Id,
        RuleName = rule.Name,
        Metric = rule.Metric,
        Comparator = rule.Comparator,
        Threshold = rule.Threshold,
        Severity = rule.Severity,
        EnvironmentName = key.Environment,
        ModelName = key.Model,
        Version = key.Version,
        State = AlertState.Firing,
        FiredValue = value,
        LastValue = value,
        FiredAt = now,
    };

    private Change Resolve(Alert alert, double value, DateTime now, string why)
    {
        _lastValueWritten.Remove(alert.Id);
        alert.State = AlertState.Resolved;
        alert.ResolvedAt = now;
        alert.LastValue = value;
        alert.ConcurrencyStamp++;
        var condition = AlertMetrics.Describe(alert.Metric, alert.Comparator, alert.Threshold);
        return new Change(ChangeKind.AlertChanged, alert.ModelName, alert.Version, alert.EnvironmentName,
            AlertAnnouncements.Resolved + $"{condition} on {alert.EnvironmentName}/{alert.ModelName}@{alert.Version} — {why}.");
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert evaluation failed; retrying on the next tick.")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception);
}
