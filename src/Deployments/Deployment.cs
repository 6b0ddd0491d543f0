using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// One run of a strategy moving a route from its stable version to a target version (glossary: <em>Deployment</em>).
/// Changed only by the orchestrator and the deployment commands, always under <see cref="ConcurrencyStamp"/>.
/// </summary>
public sealed class Deployment
{
    public long Id { get; set; }

    public required string ModelName { get; init; }

    public required string EnvironmentName { get; init; }

    public DeploymentStrategy Strategy { get; init; }

    /// <summary>The stable version before the deployment; null for the first deployment into an environment.</summary>
    public string? FromVersion { get; init; }

    public required string ToVersion { get; init; }

    public DeploymentStatus Status { get; set; }

    /// <summary>
    /// <c>"{environment}/{model}"</c> while the deployment is active, null once it has finished: a unique index on it
    /// allows at most one active deployment per (environment, model) on both providers.
    /// </summary>
    public string? ActiveScope { get; set; }

    /// <summary>Canary traffic percentages, in order, ending at 100 (e.g. <c>[10, 50, 100]</c>); <c>[100]</c> for the other strategies.</summary>
    public List<int> Steps { get; set; } = [];

    public int StepSeconds { get; init; }

    /// <summary>Index into <see cref="Steps"/> of the step being held; -1 before the first shift.</summary>
    public int CurrentStep { get; set; } = -1;

    /// <summary>The target's share of the route as last written by this deployment.</summary>
    public int TrafficPercent { get; set; }

    /// <summary>When the current phase began: the health check, or the current step's bake.</summary>
    public DateTime? StepStartedAt { get; set; }

    /// <summary>Set on reaching 100%: the deployment succeeds when this passes without a failing verdict.</summary>
    public DateTime? WatchUntil { get; set; }

    /// <summary>The guard rules as JSON (their shape belongs to <c>Deployments.Verdicts</c>).</summary>
    public required string GuardRulesJson { get; set; }

    public long SnapshotId { get; set; }

    public required string CreatedBy { get; init; }

    public string? Reason { get; init; }

    public bool AcknowledgeBreakingChange { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public DateTime? FinishedAt { get; set; }

    public int ConcurrencyStamp { get; set; }

    /// <summary>Why it was rolled back or failed, in words (operator and reason, failed health check, verdict).</summary>
    public string? RollbackCause { get; set; }

    /// <summary>The verdict that caused an automatic rollback, when one did.</summary>
    public long? RollbackVerdictId { get; set; }

    /// <summary>
    /// A route shift decided and persisted but not yet confirmed: the splits to write and the revision the route will
    /// have once written. After a restart the orchestrator compares them with the route so that a shift is neither
    /// repeated nor skipped.
    /// </summary>
    public List<PlannedSplit>? PlannedSplits { get; set; }

    public long? PlannedRevision { get; set; }

    /// <summary>The target's share once <see cref="PlannedSplits"/> is written.</summary>
    public int? PlannedTrafficPercent { get; set; }

    public bool IsActive => ActiveScope is not null;

    /// <summary>Forgets the planned shift: it was written and confirmed, or abandoned.</summary>
    public void ClearPlan()
    {
        PlannedSplits = null;
        PlannedRevision = null;
        PlannedTrafficPercent = null;
    }

    public static string ScopeOf(string environment, string model) => $"{environment}/{model}";
}

/// <summary>One (version, weight) of a planned route write.</summary>
public sealed class PlannedSplit
{
    public required string Version { get; set; }

    public int Weight { get; set; }
}

public enum DeploymentStrategy
{
    Direct,
    BlueGreen,
    Canary,
}

public enum DeploymentStatus
{
    Pending,
    HealthChecking,
    Progressing,
    Paused,
    Succeeded,
    RolledBack,
    Failed,
    Aborted,
}

/// <summary>One line of a deployment's timeline.</summary>
public sealed class DeploymentEvent
{
    public long Id { get; set; }

    public long DeploymentId { get; init; }

    public DateTime At { get; init; }

    public required DeploymentEventKind Kind { get; init; }

    public required string Message { get; init; }

    public required string Actor { get; init; }

    public int? TrafficFrom { get; init; }

    public int? TrafficTo { get; init; }

    public long? RouteRevision { get; init; }
}

/// <summary>
/// What a <see cref="DeploymentEvent"/> records. camelCase on the wire like every enum; stored as the kebab-case
/// words the column has always held (<c>traffic-shifted</c>), so existing databases read without a migration.
/// </summary>
public enum DeploymentEventKind
{
    Created,
    HealthCheck,
    TrafficShiftPlanned,
    TrafficShifted,
    Holding,
    Promoted,
    Paused,
    Resumed,
    Succeeded,
    RolledBack,
    Failed,
    Aborted,
    RouteMoved,
}

/// <summary>The stored spelling of <see cref="DeploymentEventKind"/> (the persistence converter's two directions).</summary>
public static class DeploymentEventKindText
{
    public static string ToStored(DeploymentEventKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "-") + char.ToLowerInvariant(c) : c.ToString()));

    public static DeploymentEventKind FromStored(string stored) =>
        EnumText.Parse<DeploymentEventKind>(stored) ?? throw new InvalidOperationException($"Unknown deployment event kind '{stored}' in the database.");
}

/// <summary>
/// The recorded result of evaluating guard rules on a window (glossary: <em>Verdict</em>). <see cref="ChecksJson"/>
/// holds every metric's canary and baseline value, threshold and p-value or bound.
/// </summary>
public sealed class Verdict
{
    public long Id { get; set; }

    public long DeploymentId { get; init; }

    public int Step { get; init; }

    public int TrafficPercent { get; init; }

    public DateTime At { get; init; }

    public required VerdictOutcome Outcome { get; init; }

    public int WindowSeconds { get; init; }

    public long CanarySamples { get; init; }

    public long BaselineSamples { get; init; }

    public required string ChecksJson { get; init; }

    public required string Summary { get; init; }
}
