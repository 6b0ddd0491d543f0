using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Telemetry;

using ModelRegistry.Dashboard.Notifications;

namespace ModelRegistry.Dashboard.Alerts;

/// <summary>
/// Evaluates every enabled rule against every live series in its scope, once per <see cref="AlertOptions.EvaluationSeconds"/>.
/// A breach held for the rule's "for" duration fires an alert (announced). Below the rule's minimum sample count the
/// rule says nothing ("insufficient data").
/// Hysteresis: a clear window does not resolve an open alert at once. The alert stays open (firing or acknowledged) and
/// is marked clearing (<see cref="Alert.ClearSince"/>, persisted so a restart keeps the clearing under way); only once
/// the condition has stayed clear for the rule's cooldown does it resolve (announced). A breach within the cooldown
/// continues the same alert — same id, acknowledgement and note — at once and unannounced: the "for" duration guards
/// opening an alert, not keeping one open. A window with no traffic at all, and a series that has left the live windows,
/// count as clear and wait for the cooldown too. Insufficient data neither starts nor interrupts a clearing, though one
/// already under way may complete. Only an alert whose rule was disabled or deleted resolves at once.
/// The only writer of firing, clearing and resolving; open alerts are read back from the database, so a restart resumes them.
/// </summary>
public sealed class AlertEvaluator(
    WorkerHost host,
    IDbContextFactory<RegistryDbContext> dbFactory,
    IMetricsReader metrics,
    IChangeNotifier notifier,
    NotificationOutbox outbox,
    TimeProvider clock,
    IOptionsMonitor<AlertOptions> options) : SupervisedWorker(host)
{
    private readonly List<(string Type, Alert Alert)> _toNotify = [];

    private static readonly TimeSpan LastValueRefresh = TimeSpan.FromSeconds(5);
    private readonly Dictionary<(int RuleId, SeriesKey Series), DateTime> _breachingSince = [];
    private readonly Dictionary<long, DateTime> _lastValueWritten = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override string Name => "alert-evaluator";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.CurrentValue.EvaluationSeconds);

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => EvaluateOnceAsync(stoppingToken);

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
                    if (alert is not null)
                    {
                        var why = summary.Requests == 0 ? "no traffic in the window" : $"too few requests to judge ({summary.Requests})";
                        Clear(alert, rule, alert.LastValue, now, why, mayStart: summary.Requests == 0, announcements);
                    }

                    continue;
                }

                var value = AlertMetrics.ValueOf(summary, rule.Metric);
                if (!AlertMetrics.Breaches(rule.Comparator, value, rule.Threshold))
                {
                    _breachingSince.Remove((rule.Id, key));
                    if (alert is not null)
                    {
                        Clear(alert, rule, value, now, $"now {AlertMetrics.Format(rule.Metric, value)}", mayStart: true, announcements);
                    }

                    continue;
                }

                if (alert is not null)
                {
                    if (alert.ClearSince is not null)
                    {
                        // Breaching again within the cooldown: the same alert carries on, acknowledgement and all.
                        alert.ClearSince = null;
                        WriteLastValue(alert, value, now);
                        announcements.Add(Unannounced(alert));
                    }
                    else
                    {
                        RefreshLastValue(alert, value, now);
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
                    _toNotify.Add((NotificationEvents.AlertFired, fired));
                    _breachingSince.Remove((rule.Id, key));
                    announcements.Add(new Change(ChangeKind.AlertChanged, key.Model, key.Version, key.Environment,
                        AlertAnnouncements.Fired + $"{AlertMetrics.Describe(rule.Metric, rule.Comparator, rule.Threshold)} on {key} — now {AlertMetrics.Format(rule.Metric, value)}."));
                }
            }
        }

        // Open alerts whose series left the live windows (or the rule's scope) clear like a quiet window; those whose
        // rule is gone or disabled resolve at once, as nothing is left to judge them.
        foreach (var alert in open.Where(a => !evaluated.Contains(a)))
        {
            if (rules.Find(r => r.Id == alert.RuleId) is { } rule)
            {
                var live = series.Contains(new SeriesKey(alert.EnvironmentName, alert.ModelName, alert.Version));
                Clear(alert, rule, alert.LastValue, now, live ? "no longer in its rule's scope" : "no traffic any more", mayStart: true, announcements);
            }
            else
            {
                announcements.Add(Resolve(alert, alert.LastValue, now, "its rule was disabled or deleted"));
            }
        }

        // Fired and resolved alerts go to the notification outbox in the same save as the alerts themselves.
        foreach (var (type, alert) in _toNotify)
        {
            outbox.Add(db, type, AlertNotification.Data(alert), alert.ModelName, alert.EnvironmentName, alert.Severity);
        }

        _toNotify.Clear();
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

    /// <summary>
    /// The condition is clear (or, with <paramref name="mayStart"/>, there is no traffic): start the clearing, or resolve
    /// once it has lasted the rule's cooldown. Without <paramref name="mayStart"/> (insufficient data) only a clearing
    /// already under way may complete.
    /// </summary>
    private void Clear(Alert alert, AlertRule rule, double value, DateTime now, string why, bool mayStart, List<Change> announcements)
    {
        var started = false;
        if (alert.ClearSince is null)
        {
            if (!mayStart)
            {
                return;
            }

            alert.ClearSince = now;
            started = true;
        }

        var clearFor = now - alert.ClearSince.Value;
        if (clearFor >= TimeSpan.FromSeconds(rule.CooldownSeconds))
        {
            var spell = rule.CooldownSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $", clear for {clearFor.TotalSeconds:0} s") : "";
            announcements.Add(Resolve(alert, value, now, why + spell));
        }
        else if (started)
        {
            WriteLastValue(alert, value, now);
            announcements.Add(Unannounced(alert));
        }
        else
        {
            RefreshLastValue(alert, value, now);
        }
    }

    /// <summary>Refreshes the shown value now and then, not every round.</summary>
    private void RefreshLastValue(Alert alert, double value, DateTime now)
    {
        if (!_lastValueWritten.TryGetValue(alert.Id, out var written) || now - written >= LastValueRefresh)
        {
            WriteLastValue(alert, value, now);
        }
    }

    private void WriteLastValue(Alert alert, double value, DateTime now)
    {
        alert.LastValue = value;
        _lastValueWritten[alert.Id] = now;
    }

    /// <summary>A change pages redraw on but nobody is told about: no sentence, so no snackbar.</summary>
    private static Change Unannounced(Alert alert) => new(ChangeKind.AlertChanged, alert.ModelName, alert.Version, alert.EnvironmentName);

    private Change Resolve(Alert alert, double value, DateTime now, string why)
    {
        _lastValueWritten.Remove(alert.Id);
        _toNotify.Add((NotificationEvents.AlertResolved, alert));
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

}
