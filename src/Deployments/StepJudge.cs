using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// Takes a progressing (or paused) deployment's verdict on its current step's own traffic and acts on it: a failing
/// verdict rolls back (with AutoRollback) or holds for an operator, a passing one whose step has baked advances the
/// traffic, and the watch window ending without a breach ends the deployment as succeeded. How the guard rules judge
/// one window is <see cref="VerdictEvaluator"/>'s; this class decides when a verdict is stored and what it moves, so
/// every automatic promote or rollback points at the verdict that caused it.
/// </summary>
public sealed class StepJudge(DeploymentTransitions transitions, IMetricsReader metrics)
{
    /// <summary>Judges <paramref name="deployment"/> now; called under its lock by the orchestrator.</summary>
    internal async Task JudgeAsync(RegistryDbContext db, Deployment deployment, GuardRules guard, CancellationToken cancellationToken)
    {
        var actor = DeploymentTransitions.Orchestrator;
        var now = transitions.Now;
        var started = deployment.StepStartedAt ?? now;
        // The step's own traffic, from the second it started (a trailing window of whole seconds would drop what
        // arrived in that first partial second, and a burst right after the shift would never be judged).
        var since = new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc));
        var canary = metrics.SummarizeSince(new SeriesKey(deployment.EnvironmentName, deployment.ModelName, deployment.ToVersion), since);
        var baseline = deployment.FromVersion is null ? null : metrics.SummarizeSince(new SeriesKey(deployment.EnvironmentName, deployment.ModelName, deployment.FromVersion), since);
        var result = VerdictEvaluator.Evaluate(guard, canary, baseline);

        var watching = deployment.WatchUntil is not null;
        var timeUp = watching ? now >= deployment.WatchUntil : (now - started).TotalSeconds >= deployment.StepSeconds;
        var last = await db.Verdicts.AsNoTracking().Where(v => v.DeploymentId == deployment.Id).OrderByDescending(v => v.Id).FirstOrDefaultAsync(cancellationToken);
        var outcome = result.Outcome;
        var changed = last is null || last.Step != deployment.CurrentStep || last.Outcome != outcome || last.TrafficPercent != deployment.TrafficPercent;
        var advancing = deployment.Status == DeploymentStatus.Progressing && timeUp && result.Outcome != VerdictOutcome.Fail
            && (watching || result.Outcome == VerdictOutcome.Pass);
        Verdict? stored = null;
        // A held failing canary (AutoRollback off, or paused) is judged on every pass; its verdict is stored when it
        // changes, not on every pass, which would also bump the stamp under an operator about to act.
        if (changed || advancing || (result.Outcome == VerdictOutcome.Fail && guard.AutoRollback))
        {
            stored = new Verdict
            {
                DeploymentId = deployment.Id,
                Step = deployment.CurrentStep,
                TrafficPercent = deployment.TrafficPercent,
                At = now,
                Outcome = outcome,
                WindowSeconds = canary.WindowSeconds,
                CanarySamples = result.CanarySamples,
                BaselineSamples = result.BaselineSamples ?? 0,
                ChecksJson = DeploymentJson.Write(result.Checks),
                Summary = result.Summary.Length > 4000 ? result.Summary[..4000] : result.Summary,
            };
            db.Verdicts.Add(stored);
            await transitions.SaveAsync(db, deployment, actor, cancellationToken);
        }

        if (result.Outcome == VerdictOutcome.Fail)
        {
            if (guard.AutoRollback)
            {
                await transitions.RollbackAsync(db, deployment, $"verdict {stored!.Id} failed: {result.Summary}", stored.Id, actor, null, cancellationToken);
            }
            else if (changed)
            {
                transitions.AddEvent(db, deployment, DeploymentEventKind.Holding,
                    $"Verdict {stored!.Id} failed but AutoRollback is off: holding at {deployment.TrafficPercent}% for an operator. {result.Summary}", actor);
                await transitions.SaveAsync(db, deployment, actor, cancellationToken);
            }

            return;
        }

        if (deployment.Status != DeploymentStatus.Progressing || !timeUp)
        {
            return;
        }

        if (watching)
        {
            // No evidence of a breach over the whole watch window (insufficient data included): the deployment stands.
            transitions.Finish(db, deployment, DeploymentStatus.Succeeded,
                $"{deployment.ToVersion} serves 100% and passed the watch window (last verdict {stored?.Id ?? last?.Id}: {result.Summary})", actor);
            await transitions.SaveAsync(db, deployment, actor, cancellationToken);
            return;
        }

        if (result.Outcome == VerdictOutcome.InsufficientData)
        {
            if (changed)
            {
                transitions.AddEvent(db, deployment, DeploymentEventKind.Holding,
                    $"Step {deployment.CurrentStep + 1} ({deployment.TrafficPercent}%) has baked but holds: {result.Summary}", actor);
                await transitions.SaveAsync(db, deployment, actor, cancellationToken);
            }

            return;
        }

        var passedStep = deployment.CurrentStep + 1;
        var percent = deployment.AdvanceStep();
        if (!await transitions.ShiftAsync(db, deployment, deployment.SplitsFor(percent), percent,
                $"verdict {stored!.Id} passed step {passedStep}", actor, cancellationToken))
        {
            return;
        }

        transitions.StartStep(deployment);
        await transitions.SaveAsync(db, deployment, actor, cancellationToken);
    }
}
