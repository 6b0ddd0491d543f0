using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// Drives every active deployment, once per <see cref="DeploymentOptions.TickSeconds"/> and, between ticks, again when
/// fresh metric events arrive (at most once per <see cref="DeploymentOptions.JudgeOnArrivalSeconds"/>):
/// pending → health-checking → progressing (step by step, held until the step's time is up and its verdict passes)
/// → watch window at 100% → succeeded; a failing verdict (with AutoRollback) or a failed health check ends it.
/// State lives only in the database, so a restarted process resumes where the last one stopped; an interrupted route
/// shift is finished, not repeated. A paused deployment does not advance, but its verdicts are still taken and a
/// failing one still rolls back when AutoRollback is on: pausing must never make a bad version safer to keep.
/// </summary>
public sealed partial class DeploymentOrchestrator(
    WorkerHost host,
    IDbContextFactory<RegistryDbContext> dbFactory,
    DeploymentTransitions transitions,
    HealthMonitor healthMonitor,
    HealthRegistry health,
    IMetricsReader metrics,
    MetricsArrivals arrivals,
    OrchestratorPulse pulse,
    IOptionsMonitor<DeploymentOptions> options,
    ILogger<DeploymentOrchestrator> logger) : SupervisedWorker(host)
{
    private readonly ConcurrentDictionary<(string Model, string Version), Task> _probes = new();

    /// <summary>
    /// One pass over every active deployment, then waits for the health probes the pass asked for (tests call this to
    /// take one decision at a time). The background loop does not wait for probes: see <see cref="PassAsync"/>.
    /// </summary>
    public async Task TickOnceAsync(CancellationToken cancellationToken = default)
    {
        await PassAsync(cancellationToken);
        await Task.WhenAll(_probes.Values);
    }

    /// <summary>
    /// Advances every active deployment, each under its own lock and side by side, so one deployment's slow database
    /// write never holds up another's rollback. Health probes are not awaited here (a hanging endpoint would hold up
    /// every deployment for its whole timeout): they run in the background and the next pass reads their result.
    /// </summary>
    private async Task PassAsync(CancellationToken cancellationToken)
    {
        pulse.RecordPass(transitions.Now);
        List<long> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            ids = await db.Deployments.AsNoTracking().Where(d => d.ActiveScope != null).OrderBy(d => d.Id).Select(d => d.Id).ToListAsync(cancellationToken);
        }

        var failures = (await Task.WhenAll(ids.Select(id => AdvanceOneAsync(id, cancellationToken)))).OfType<Exception>().ToList();
        if (failures.Count > 0)
        {
            ReportPartialFailure(new AggregateException($"{failures.Count} of {ids.Count} active deployments could not advance on this pass.", failures));
        }
    }

    /// <summary>Advances one deployment; returns what stopped it, if anything (logged; the next pass tries again).</summary>
    private async Task<Exception?> AdvanceOneAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            await transitions.LockedAsync(id, async () =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var deployment = await db.Deployments.FirstAsync(d => d.Id == id, cancellationToken);
                if (deployment.IsActive)
                {
                    await AdvanceAsync(db, deployment, cancellationToken);
                }

                return true;
            }, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDeploymentFailed(logger, id, ex);
            return ex;
        }
    }

    /// <summary>Starts a probe of the target in the background unless one is already running; its result lands in <see cref="HealthRegistry"/>.</summary>
    private void RequestProbe(Deployment deployment)
    {
        var key = (deployment.ModelName, deployment.ToVersion);
        if (_probes.TryGetValue(key, out var running) && !running.IsCompleted)
        {
            return;
        }

        _probes[key] = ProbeAsync(key.ModelName, key.ToVersion);
    }

    private async Task ProbeAsync(string model, string version)
    {
        await Task.Yield(); // never run the probe on the caller's stack: it holds the deployment's lock
        try
        {
            await healthMonitor.RequestProbeAsync(model, version, Host.Lifetime.ApplicationStopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProbeFailed(logger, model, version, ex);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task AdvanceAsync(RegistryDbContext db, Deployment deployment, CancellationToken cancellationToken)
    {
        var actor = DeploymentTransitions.Orchestrator;

        // An interrupted shift (or rollback) first: finish it exactly once.
        if (deployment.PlannedSplits is not null)
        {
            if (!await transitions.CompletePlannedShiftAsync(db, deployment, actor, cancellationToken))
            {
                return;
            }

            if (!deployment.IsActive)
            {
                return;
            }

            transitions.StartStep(deployment);
            await transitions.SaveAsync(db, deployment, actor, cancellationToken);
            return;
        }

        if (deployment.IsRollingBack)
        {
            await transitions.RollbackAsync(db, deployment, deployment.RollbackCause!, deployment.RollbackVerdictId, actor, null, cancellationToken);
            return;
        }

        var guard = DeploymentJson.ReadGuard(deployment.GuardRulesJson);
        switch (deployment.Status)
        {
            case DeploymentStatus.Pending:
                deployment.BeginHealthCheck(transitions.Now);
                transitions.AddEvent(db, deployment, DeploymentEventKind.HealthCheck, $"Health-checking {deployment.ToVersion} before it gets traffic.", actor);
                await transitions.SaveAsync(db, deployment, actor, cancellationToken);
                RequestProbe(deployment);
                return;
            case DeploymentStatus.HealthChecking:
                await CheckHealthAsync(db, deployment, guard, cancellationToken);
                return;
            case DeploymentStatus.Progressing:
            case DeploymentStatus.Paused:
                await JudgeAsync(db, deployment, guard, cancellationToken);
                return;
        }
    }

    private async Task CheckHealthAsync(RegistryDbContext db, Deployment deployment, GuardRules guard, CancellationToken cancellationToken)
    {
        var actor = DeploymentTransitions.Orchestrator;
        var status = health.Get(deployment.ModelName, deployment.ToVersion);
        if (status.Status == HealthStatus.Unknown || status.CheckedAt < deployment.StepStartedAt)
        {
            // No probe since this check began: just asked, still running (a hanging endpoint waits for the probe's
            // timeout), or restarted during the check (health lives in memory, and a version without traffic is probed
            // only on request). An older result must not decide: the target may have been healthy an hour ago and hang
            // now. Ask (once at a time) and judge on a later pass; a check that has not been able to look yet is not
            // timed out.
            RequestProbe(deployment);
            return;
        }

        if (status.Status == HealthStatus.Healthy)
        {
            transitions.AddEvent(db, deployment, DeploymentEventKind.HealthCheck, $"{deployment.ToVersion} is healthy: {status.Reason}", actor);
            var percent = deployment.BeginFirstStep();
            if (!await transitions.ShiftAsync(db, deployment, deployment.SplitsFor(percent), percent,
                    deployment.FromVersion is null ? "first deployment: the route is established" : $"{deployment.Strategy} step 1 after a healthy check", actor, cancellationToken))
            {
                return;
            }

            transitions.StartStep(deployment);
            await transitions.SaveAsync(db, deployment, actor, cancellationToken);
            return;
        }

        var waited = transitions.Now - (deployment.StepStartedAt ?? transitions.Now);
        var timedOut = waited.TotalSeconds >= options.CurrentValue.HealthCheckTimeoutSeconds;
        if ((status.Status == HealthStatus.Unhealthy && guard.AutoRollback) || timedOut)
        {
            var why = timedOut
                ? $"{deployment.ToVersion} was not healthy within {options.CurrentValue.HealthCheckTimeoutSeconds} s ({status.Status}: {status.Reason})"
                : $"{deployment.ToVersion} is unhealthy: {status.Reason}";
            if (deployment.TrafficPercent > 0)
            {
                // The target already had traffic before the deployment (a share of the route it did not create): a
                // failed check is a rollback, which takes it to 0%, not a failure that leaves the route untouched.
                await transitions.RollbackAsync(db, deployment, $"health check failed: {why}", verdictId: null, actor, reason: null, cancellationToken);
                return;
            }

            deployment.FailBecause($"health check failed: {why}");
            transitions.Finish(db, deployment, DeploymentStatus.Failed, $"Failed before any traffic moved: {why}. The route is untouched.", actor);
            await transitions.SaveAsync(db, deployment, actor, cancellationToken);
        }
    }

    private async Task JudgeAsync(RegistryDbContext db, Deployment deployment, GuardRules guard, CancellationToken cancellationToken)
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
