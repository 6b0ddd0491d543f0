using System.Globalization;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Deployments;

namespace ModelRegistry.Dashboard.Components.Pages.Metrics;

/// <summary>A mark and what identifies its source (a deployment event or an alert), so that a reload adds only new ones.</summary>
public sealed record KeyedMark(string Key, ChartMark Mark);

/// <summary>
/// The marks on the Metrics page's time axis for one model in one environment: deployments (first and later traffic shifts,
/// success, rollback, failure) from their timelines, and alert firings. Read from the engine once per range, and again
/// only when the change notifier says a deployment or an alert of this model changed.
/// </summary>
public sealed class MetricsMarks(DeploymentService deployments, AlertService alerts)
{
    /// <summary>Deployments read per load: a long range with more than this shows the newest.</summary>
    private const int MaxDeployments = 50;

    public async Task<IReadOnlyList<KeyedMark>> LoadAsync(string model, string environment, DateTime from, CancellationToken cancellationToken = default)
    {
        var marks = new List<KeyedMark>();
        var summaries = await deployments.ListAsync(new DeploymentQuery(model, environment), cancellationToken);
        foreach (var summary in summaries.Where(d => (d.FinishedAt ?? DateTime.MaxValue) >= from && d.UpdatedAt >= from).Take(MaxDeployments))
        {
            var deployment = await deployments.GetAsync(summary.Id, cancellationToken);
            // A rollback writes "rolling back", its shift to 0% and "rolled back": one mark, at its start.
            var rollback = deployment.Events.FirstOrDefault(e => e.Kind == DeploymentEventKind.RolledBack)?.Id ?? long.MaxValue;
            var firstShift = deployment.Events.FirstOrDefault(e => e.Kind == DeploymentEventKind.TrafficShifted)?.Id;
            marks.AddRange(deployment.Events
                .Where(e => e.At >= from && (e.Id <= rollback || e.Kind is not (DeploymentEventKind.TrafficShifted or DeploymentEventKind.RolledBack)))
                .Select(e => Of(deployment, e, e.Id == firstShift)).OfType<KeyedMark>());
        }

        var fired = await alerts.ListAsync(model: model, environment: environment, pageSize: 500, cancellationToken: cancellationToken);
        marks.AddRange(fired.Items.Where(a => a.FiredAt >= from).Select(Of));
        return [.. marks.OrderBy(m => m.Mark.At)];
    }

    /// <summary>
    /// The mark of one timeline event, or null for the steps in between (health check, holding…). A deployment is marked
    /// where its traffic first moves, not where it was created: the two are seconds apart and their labels would overlap.
    /// </summary>
    private static KeyedMark? Of(DeploymentInfo deployment, DeploymentEventInfo e, bool firstShift)
    {
        var version = deployment.ToVersion;
        (string Label, ChartMarkKind Kind)? mark = e.Kind switch
        {
            DeploymentEventKind.TrafficShifted when firstShift => ($"Deploy {version} {e.TrafficTo}%", ChartMarkKind.Deploy),
            DeploymentEventKind.TrafficShifted => ($"{e.TrafficTo}% → {version}", ChartMarkKind.Shift),
            DeploymentEventKind.Paused => ($"Paused {version}", ChartMarkKind.Pause),
            DeploymentEventKind.Resumed => ($"Resumed {version}", ChartMarkKind.Resume),
            DeploymentEventKind.Succeeded => ($"Deployed {version}", ChartMarkKind.Success),
            DeploymentEventKind.RolledBack => ($"Rollback {version}", ChartMarkKind.Rollback),
            DeploymentEventKind.Failed or DeploymentEventKind.Aborted => ($"Failed {version}", ChartMarkKind.Fail),
            _ => null,
        };
        if (mark is not { } m)
        {
            return null;
        }

        var detail = string.Create(CultureInfo.InvariantCulture, $"Deployment #{deployment.Id} ({deployment.Strategy}, {deployment.FromVersion ?? "nothing"} → {version}): {e.Message} — {e.Actor}.");
        return new KeyedMark($"deployment-event-{e.Id}", new ChartMark(e.At, m.Label, m.Kind, detail));
    }

    private static KeyedMark Of(AlertInfo alert)
    {
        var detail = $"{alert.Severity} alert \"{alert.RuleName}\" fired on {alert.Version}: {alert.Condition}, measured {AlertMetrics.Format(alert.Metric, alert.FiredValue)}.";
        return new KeyedMark($"alert-{alert.Id}", new ChartMark(alert.FiredAt, $"Alert {alert.Version}", ChartMarkKind.Alert, detail));
    }
}
