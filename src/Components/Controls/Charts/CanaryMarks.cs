using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Components.Controls.Charts;

/// <summary>A chart mark and what it was made from (an event or a verdict id), so a live page sends each mark once.</summary>
public sealed record KeyedMark(string Key, ChartMark Mark);

/// <summary>
/// The vertical marks of a deployment's canary report, from its timeline and its verdicts: every traffic shift of the
/// deployment forward (10% → 50% → 100%), every stored verdict (pass / fail / insufficient data, the evidence in the
/// tooltip), pause and resume, and how it ended (rolled back, succeeded, aborted, failed).
/// </summary>
public static class CanaryMarks
{
    public static IReadOnlyList<KeyedMark> Of(DeploymentInfo deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var marks = new List<KeyedMark>();
        var rollingBack = false;
        foreach (var e in deployment.Events)
        {
            var key = $"event-{e.Id}";
            switch (e.Kind)
            {
                // The shift that carries out a rollback is part of the rollback's mark, not a step forward.
                case DeploymentEventKind.TrafficShifted when !rollingBack && e.TrafficTo is > 0 and var to:
                    marks.Add(new(key, new ChartMark(e.At, $"{to}%", ChartMarkKind.Shift, $"{e.TrafficFrom ?? 0}% → {to}% on {deployment.ToVersion}. {e.Message}")));
                    break;
                case DeploymentEventKind.Paused:
                    marks.Add(new(key, new ChartMark(e.At, "paused", ChartMarkKind.Pause, e.Message)));
                    break;
                case DeploymentEventKind.Resumed:
                    marks.Add(new(key, new ChartMark(e.At, "resumed", ChartMarkKind.Resume, e.Message)));
                    break;
                // A rollback records its start and its end: one mark, where it was decided.
                case DeploymentEventKind.RolledBack when !rollingBack:
                    rollingBack = true;
                    marks.Add(new(key, new ChartMark(e.At, "rolled back", ChartMarkKind.Rollback, e.Message)));
                    break;
                case DeploymentEventKind.Succeeded:
                    marks.Add(new(key, new ChartMark(e.At, "succeeded", ChartMarkKind.Success, e.Message)));
                    break;
                case DeploymentEventKind.Aborted:
                    marks.Add(new(key, new ChartMark(e.At, "aborted", ChartMarkKind.Rollback, e.Message)));
                    break;
                case DeploymentEventKind.Failed:
                    marks.Add(new(key, new ChartMark(e.At, "failed", ChartMarkKind.Fail, e.Message)));
                    break;
            }
        }

        foreach (var v in deployment.Verdicts)
        {
            var (label, kind) = v.Outcome switch
            {
                VerdictOutcome.Pass => ("pass", ChartMarkKind.Pass),
                VerdictOutcome.Fail => ("fail", ChartMarkKind.Fail),
                _ => ("insufficient", ChartMarkKind.Inconclusive),
            };
            marks.Add(new($"verdict-{v.Id}", new ChartMark(v.At, label, kind, $"Verdict {v.Id}, step {v.Step + 1} at {v.TrafficPercent}%: {v.Summary}")));
        }

        return [.. marks.OrderBy(m => m.Mark.At)];
    }
}
