using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// One run of a strategy moving a route from its stable version to a target version (glossary: <em>Deployment</em>),
/// and its state machine: every status change, step start, planned split and rollback target is a method here, each
/// checking that it is allowed from the current state (an invalid move throws a <see cref="ConflictException"/>,
/// a 409). Nothing else assigns its state. The orchestrator and the operator's commands decide <em>when</em> to move,
/// always under the deployment's lock and <see cref="ConcurrencyStamp"/>; this type decides what a move does.
/// <code>
/// pending → health-checking → progressing(step i) ⇄ paused → succeeded | rolled-back | failed | aborted
/// </code>
/// </summary>
public sealed class Deployment
{
    private static readonly Dictionary<DeploymentStatus, DeploymentStatus[]> Moves = new()
    {
        [DeploymentStatus.Pending] = [DeploymentStatus.HealthChecking, DeploymentStatus.RolledBack, DeploymentStatus.Failed],
        [DeploymentStatus.HealthChecking] = [DeploymentStatus.Progressing, DeploymentStatus.RolledBack, DeploymentStatus.Failed, DeploymentStatus.Aborted],
        [DeploymentStatus.Progressing] = [DeploymentStatus.Progressing, DeploymentStatus.Paused, DeploymentStatus.Succeeded, DeploymentStatus.RolledBack, DeploymentStatus.Failed, DeploymentStatus.Aborted],
        [DeploymentStatus.Paused] = [DeploymentStatus.Progressing, DeploymentStatus.RolledBack, DeploymentStatus.Failed, DeploymentStatus.Aborted],
    };

    /// <summary>For EF Core; a deployment starts through <see cref="Launch"/>.</summary>
    private Deployment()
    {
    }

    public long Id { get; set; }

    public string ModelName { get; private init; } = "";

    public string EnvironmentName { get; private init; } = "";

    public DeploymentStrategy Strategy { get; private init; }

    /// <summary>The stable version before the deployment; null for the first deployment into an environment.</summary>
    public string? FromVersion { get; private init; }

    public string ToVersion { get; private init; } = "";

    public DeploymentStatus Status { get; private set; }

    /// <summary>
    /// <c>"{environment}/{model}"</c> while the deployment is active, null once it has finished: a unique index on it
    /// allows at most one active deployment per (environment, model) on both providers.
    /// </summary>
    public string? ActiveScope { get; private set; }

    /// <summary>Canary traffic percentages, in order, ending at 100 (e.g. <c>[10, 50, 100]</c>); <c>[100]</c> for the other strategies.</summary>
    public List<int> Steps { get; private set; } = [];

    public int StepSeconds { get; private init; }

    /// <summary>Index into <see cref="Steps"/> of the step being held; -1 before the first shift.</summary>
    public int CurrentStep { get; private set; } = -1;

    /// <summary>The target's share of the route as last written by this deployment.</summary>
    public int TrafficPercent { get; private set; }

    /// <summary>When the current phase began: the health check, or the current step's bake.</summary>
    public DateTime? StepStartedAt { get; private set; }

    /// <summary>Set on reaching 100%: the deployment succeeds when this passes without a failing verdict.</summary>
    public DateTime? WatchUntil { get; private set; }

    /// <summary>The guard rules as JSON (their shape belongs to <c>Deployments.Verdicts</c>).</summary>
    public string GuardRulesJson { get; private set; } = "{}";

    public long SnapshotId { get; private set; }

    public string CreatedBy { get; private init; } = "";

    public string? Reason { get; private init; }

    public bool AcknowledgeBreakingChange { get; private init; }

    public DateTime CreatedAt { get; private init; }

    public DateTime UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";

    public DateTime? FinishedAt { get; private set; }

    public int ConcurrencyStamp { get; set; }

    /// <summary>Why it is being (or was) rolled back or failed, in words (operator and reason, failed health check, verdict).</summary>
    public string? RollbackCause { get; private set; }

    /// <summary>The verdict that caused an automatic rollback, when one did.</summary>
    public long? RollbackVerdictId { get; private set; }

    /// <summary>
    /// A route shift decided and persisted but not yet confirmed: the splits to write and the revision the route will
    /// have once written. After a restart the orchestrator compares them with the route so that a shift is neither
    /// repeated nor skipped.
    /// </summary>
    public List<PlannedSplit>? PlannedSplits { get; private set; }

    public long? PlannedRevision { get; private set; }

    /// <summary>The target's share once <see cref="PlannedSplits"/> is written.</summary>
    public int? PlannedTrafficPercent { get; private set; }

    public bool IsActive => ActiveScope is not null;

    /// <summary>A rollback was decided; the route write that carries it out may still be pending.</summary>
    public bool IsRollingBack => IsActive && RollbackCause is not null;

    /// <summary>A new deployment, pending, holding the target's current share of the route.</summary>
    public static Deployment Launch(
        string model, string environment, DeploymentStrategy strategy, string? fromVersion, string toVersion, IReadOnlyList<int> steps, int stepSeconds,
        string guardRulesJson, long snapshotId, string actor, string? reason, bool acknowledgeBreakingChange, int currentTargetPercent, DateTime now) => new()
    {
        ModelName = model,
        EnvironmentName = environment,
        Strategy = strategy,
        FromVersion = fromVersion,
        ToVersion = toVersion,
        Status = DeploymentStatus.Pending,
        ActiveScope = ScopeOf(environment, model),
        Steps = [.. steps],
        StepSeconds = stepSeconds,
        GuardRulesJson = guardRulesJson,
        SnapshotId = snapshotId,
        CreatedBy = actor,
        Reason = reason,
        AcknowledgeBreakingChange = acknowledgeBreakingChange,
        CreatedAt = now,
        UpdatedAt = now,
        UpdatedBy = actor,
        TrafficPercent = currentTargetPercent,
    };

    /// <summary>Pending → health-checking: the target is probed before it gets traffic.</summary>
    public void BeginHealthCheck(DateTime now)
    {
        MoveTo(DeploymentStatus.HealthChecking);
        StepStartedAt = now;
    }

    /// <summary>
    /// Health-checking → progressing at the first step (or straight at 100% for a first deployment and the one-write
    /// strategies); returns the target's share to shift to.
    /// </summary>
    public int BeginFirstStep()
    {
        RequireActive();
        MoveTo(DeploymentStatus.Progressing, from: DeploymentStatus.HealthChecking);
        CurrentStep = FromVersion is null ? Steps.Count - 1 : 0;
        return Steps[CurrentStep];
    }

    /// <summary>The current step passed: on to the next one; returns the target's share to shift to.</summary>
    public int AdvanceStep()
    {
        RequireActive();
        MoveTo(DeploymentStatus.Progressing, from: DeploymentStatus.Progressing);
        if (CurrentStep >= Steps.Count - 1)
        {
            throw Refused("advance past its last step");
        }

        CurrentStep++;
        return Steps[CurrentStep];
    }

    /// <summary>
    /// An operator's promote: to the next step (or the last with <paramref name="full"/>); returns the share to shift
    /// to, or null when the target already serves 100% (the watch window is cut short: the caller finishes it).
    /// </summary>
    public int? Promote(bool full)
    {
        RequireActive();
        MoveTo(DeploymentStatus.Progressing, DeploymentStatus.Progressing, DeploymentStatus.Paused);
        if (TrafficPercent >= 100)
        {
            return null;
        }

        CurrentStep = full ? Steps.Count - 1 : Math.Min(CurrentStep + 1, Steps.Count - 1);
        return Steps[CurrentStep];
    }

    /// <summary>Progressing → paused: holds at the current traffic (verdicts are still taken).</summary>
    public void Pause() => MoveTo(DeploymentStatus.Paused, from: DeploymentStatus.Progressing);

    /// <summary>Paused → progressing; the current step (or watch window) bakes again from <paramref name="now"/>.</summary>
    public void Resume(DateTime now, int watchSeconds)
    {
        MoveTo(DeploymentStatus.Progressing, from: DeploymentStatus.Paused);
        StartStep(now, watchSeconds);
    }

    /// <summary>Starts the current step's bake, or the watch window once the target has 100%.</summary>
    public void StartStep(DateTime now, int watchSeconds)
    {
        RequireActive();
        StepStartedAt = now;
        if (TrafficPercent >= 100)
        {
            WatchUntil = now.AddSeconds(watchSeconds);
        }
    }

    /// <summary>The route with <paramref name="percent"/>% on the target and the rest on the stable version.</summary>
    public List<PlannedSplit> SplitsFor(int percent) =>
        percent >= 100 || FromVersion is null
            ? [new PlannedSplit { Version = ToVersion, Weight = 100 }]
            : [new PlannedSplit { Version = FromVersion, Weight = 100 - percent }, new PlannedSplit { Version = ToVersion, Weight = percent }];

    /// <summary>Where a rollback puts the route: the snapshot's splits without the target (<see cref="Deployments.RollbackPlan"/>).</summary>
    public List<PlannedSplit> RollbackSplits(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return RollbackPlan.Without(snapshot.Splits, ToVersion, FromVersion);
    }

    /// <summary>Decides a rollback (its route write follows, and finishes the deployment as rolled back).</summary>
    public void BeginRollback(string cause, long? verdictId)
    {
        RequireActive();
        RollbackCause = cause;
        RollbackVerdictId = verdictId;
    }

    /// <summary>Persists the route write about to be made, so that a restart neither repeats nor skips it.</summary>
    public void PlanShift(IEnumerable<PlannedSplit> splits, long revision, int targetPercent)
    {
        RequireActive();
        PlannedSplits = [.. splits.Select(s => new PlannedSplit { Version = s.Version, Weight = s.Weight })];
        PlannedRevision = revision;
        PlannedTrafficPercent = targetPercent;
    }

    /// <summary>The planned write is on the route: the target now has the planned share; returns the share it had.</summary>
    public int ConfirmShift()
    {
        var from = TrafficPercent;
        TrafficPercent = PlannedTrafficPercent ?? TrafficPercent;
        ClearPlan();
        return from;
    }

    /// <summary>Forgets the planned shift: someone else moved the route first.</summary>
    public void AbandonPlan() => ClearPlan();

    /// <summary>The route moved under it: the step it holds is the one it reached, not the one it was moving to.</summary>
    public void FallBackToReachedStep() => CurrentStep = Steps.IndexOf(TrafficPercent);

    /// <summary>Ends the deployment: it stops being active. Rolled back needs a decided rollback; succeeded needs progress.</summary>
    public void Finish(DeploymentStatus outcome, DateTime now)
    {
        if (outcome.IsActive())
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "A deployment finishes as succeeded, rolled back, failed or aborted.");
        }

        if (outcome == DeploymentStatus.RolledBack && RollbackCause is null)
        {
            throw Refused("finish as rolled back without a rollback decided");
        }

        if (outcome == DeploymentStatus.Failed && RollbackCause is null)
        {
            throw Refused("fail without a cause");
        }

        MoveTo(outcome);
        ActiveScope = null;
        FinishedAt = now;
        WatchUntil = null;
        ClearPlan();
    }

    /// <summary>Records why it failed (before <see cref="Finish"/> as failed).</summary>
    public void FailBecause(string cause)
    {
        RequireActive();
        RollbackCause = cause;
    }

    public static string ScopeOf(string environment, string model) => $"{environment}/{model}";

    private void ClearPlan()
    {
        PlannedSplits = null;
        PlannedRevision = null;
        PlannedTrafficPercent = null;
    }

    /// <summary>A move the state machine does not allow from here: a 409 (someone else moved it first).</summary>
    private ConflictException Refused(string move) =>
        new($"Deployment {Id} is {Status} (last changed by {UpdatedBy} at {UpdatedAt:u}); it cannot {move}.");

    private void RequireActive()
    {
        if (!IsActive)
        {
            throw Refused("change after it finished");
        }
    }

    /// <summary>Moves to <paramref name="to"/> if the table allows it from here (and, when given, only from one of <paramref name="from"/>).</summary>
    private void MoveTo(DeploymentStatus to, params DeploymentStatus[] from)
    {
        if ((from.Length > 0 && !from.Contains(Status)) || !Moves.TryGetValue(Status, out var allowed) || !allowed.Contains(to))
        {
            throw Refused($"go from {Status} to {to}");
        }

        Status = to;
    }
}
