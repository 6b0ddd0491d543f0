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
/// The target's health probes are <see cref="TargetProbes"/>'s and a step's verdict is <see cref="StepJudge"/>'s; this
/// class decides which of them a deployment needs on a pass, and when a pass runs.
/// </summary>
public sealed partial class DeploymentOrchestrator(
    WorkerHost host,
    IDbContextFactory<RegistryDbContext> dbFactory,
    DeploymentTransitions transitions,
    TargetProbes probes,
    StepJudge judge,
    HealthRegistry health,
    MetricsArrivals arrivals,
    OrchestratorPulse pulse,
    IOptionsMonitor<DeploymentOptions> options,
    ILogger<DeploymentOrchestrator> logger) : SupervisedWorker(host)
{
    /// <summary>
    /// One pass over every active deployment, then waits for the health probes the pass asked for (tests call this to
    /// take one decision at a time). The background loop does not wait for probes: see <see cref="PassAsync"/>.
    /// </summary>
    public async Task TickOnceAsync(CancellationToken cancellationToken = default)
    {
        await PassAsync(cancellationToken);
        await probes.WhenAllAsync();
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
                probes.Request(deployment);
                return;
            case DeploymentStatus.HealthChecking:
                await CheckHealthAsync(db, deployment, guard, cancellationToken);
                return;
            case DeploymentStatus.Progressing:
            case DeploymentStatus.Paused:
                await judge.JudgeAsync(db, deployment, guard, cancellationToken);
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
            probes.Request(deployment);
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

    // The loop, on the supervised worker base: a pass every tick, and between ticks a pass when fresh metric events
    // arrive. It starts once the app listens: a deployment resumed after a restart may probe its target at once, and
    // with the demo that target is served by this app. A pass that fails is logged and retried with back-off.
    private long _passStarted;
    private Task? _arrival;
    private CancellationTokenSource? _stopWaiting;
    private PeriodicTimer? _tickTimer;
    private Task<bool>? _nextTick;

    public override string Name => "deployment-orchestrator";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.CurrentValue.TickSeconds);

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        _passStarted = Host.Clock.GetTimestamp();
        // Listen before the pass: events that arrive while it runs call for another one.
        await StopListeningAsync();
        _stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _arrival = options.CurrentValue.JudgeOnArrivalSeconds > 0 ? arrivals.NextAsync(_stopWaiting.Token) : null;
        await PassAsync(stoppingToken);
    }

    /// <summary>
    /// Waits for the next tick or, when judging on arrival, for fresh metric events but no sooner than
    /// <see cref="DeploymentOptions.JudgeOnArrivalSeconds"/> after the last pass began: a breach is judged within a
    /// fraction of a tick, and a stream of events costs at most one pass per interval.
    /// </summary>
    protected override async Task<bool> WaitForNextRunAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        // One outstanding wait per timer: an arrival may end a wait before the tick, whose wait is then kept for the
        // next call (the supervised loop replaces its timer after a failure, and then the wait starts afresh).
        if (!ReferenceEquals(timer, _tickTimer) || _nextTick is null)
        {
            _tickTimer = timer;
            _nextTick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        }

        var nextTick = _nextTick;
        if (_arrival is null || await Task.WhenAny(nextTick, _arrival) == nextTick)
        {
            await Task.WhenAny(nextTick);
        }
        else
        {
            var rest = TimeSpan.FromSeconds(options.CurrentValue.JudgeOnArrivalSeconds) - Host.Clock.GetElapsedTime(_passStarted);
            if (rest > TimeSpan.Zero)
            {
                await Task.WhenAny(nextTick, Task.Delay(rest, Host.Clock, stoppingToken));
            }
        }

        await StopListeningAsync();
        if (!nextTick.IsCompleted)
        {
            return !stoppingToken.IsCancellationRequested;
        }

        _nextTick = null;
        return await nextTick;
    }

    private async Task StopListeningAsync()
    {
        if (_stopWaiting is null)
        {
            return;
        }

        await _stopWaiting.CancelAsync();
        await Task.WhenAny(_arrival ?? Task.CompletedTask);
        _stopWaiting.Dispose();
        _stopWaiting = null;
        _arrival = null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deployment {Id} could not advance on this tick; retrying on the next.")]
    private static partial void LogDeploymentFailed(ILogger logger, long id, Exception exception);
}
