using System.Text.Json;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Deployments;

// Wire shapes of the deployments and snapshots API (DESIGN.md §5). Inputs: fields nullable, so the engine names what is missing.

/// <summary><c>POST /api/v1/deployments</c>.</summary>
public sealed record CreateDeploymentRequest(
    string? Model,
    string? Version,
    string? Environment,
    string? Strategy,
    CanaryPlanInput? Canary = null,
    GuardRules? Guard = null,
    bool? AcknowledgeBreakingChange = null,
    string? Reason = null);

/// <summary>Canary steps (percent of traffic to the target, ascending, ending at 100) and how long each is held.</summary>
public sealed record CanaryPlanInput(IReadOnlyList<int>? Steps = null, int? StepSeconds = null);

/// <summary>Promote to the next step, or with <see cref="Full"/> straight to 100%.</summary>
public sealed record PromoteRequest(bool? Full = null, int? ExpectedStamp = null);

/// <summary>Pause or resume; <see cref="ExpectedStamp"/> refuses the command if someone else changed the deployment first.</summary>
public sealed record DeploymentCommandRequest(int? ExpectedStamp = null);

public sealed record RollbackRequest(string? Reason, int? ExpectedStamp = null);

public sealed record DeploymentQuery(string? Model = null, string? Environment = null, string? Status = null);

public sealed record DeploymentSummary(
    long Id,
    string Model,
    string Environment,
    DeploymentStrategy Strategy,
    string? FromVersion,
    string ToVersion,
    DeploymentStatus Status,
    int CurrentStep,
    IReadOnlyList<int> Steps,
    int TrafficPercent,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? FinishedAt,
    int ConcurrencyStamp)
{
    internal static DeploymentSummary From(Deployment d) => new(
        d.Id, d.ModelName, d.EnvironmentName, d.Strategy, d.FromVersion, d.ToVersion, d.Status, d.CurrentStep, d.Steps,
        d.TrafficPercent, d.CreatedBy, d.CreatedAt, d.UpdatedAt, d.FinishedAt, d.ConcurrencyStamp);
}

/// <summary>
/// One deployment with its timeline and verdicts, newest verdict last; while active, <see cref="Analysis"/> is its live
/// evaluation (null once finished).
/// </summary>
public sealed record DeploymentInfo(
    long Id,
    string Model,
    string Environment,
    DeploymentStrategy Strategy,
    string? FromVersion,
    string ToVersion,
    DeploymentStatus Status,
    bool Active,
    IReadOnlyList<int> Steps,
    int StepSeconds,
    int CurrentStep,
    int TrafficPercent,
    DateTime? StepStartedAt,
    DateTime? WatchUntil,
    GuardRules Guard,
    long SnapshotId,
    string CreatedBy,
    string? Reason,
    bool AcknowledgeBreakingChange,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string UpdatedBy,
    DateTime? FinishedAt,
    int ConcurrencyStamp,
    string? RollbackCause,
    long? RollbackVerdictId,
    IReadOnlyList<DeploymentEventInfo> Events,
    IReadOnlyList<VerdictInfo> Verdicts,
    DeploymentAnalysis? Analysis = null)
{
    internal static DeploymentInfo From(Deployment d, IReadOnlyList<DeploymentEvent> events, IReadOnlyList<Verdict> verdicts) => new(
        d.Id, d.ModelName, d.EnvironmentName, d.Strategy, d.FromVersion, d.ToVersion, d.Status, d.IsActive, d.Steps, d.StepSeconds,
        d.CurrentStep, d.TrafficPercent, d.StepStartedAt, d.WatchUntil, DeploymentJson.ReadGuard(d.GuardRulesJson), d.SnapshotId,
        d.CreatedBy, d.Reason, d.AcknowledgeBreakingChange, d.CreatedAt, d.UpdatedAt, d.UpdatedBy, d.FinishedAt, d.ConcurrencyStamp,
        d.RollbackCause, d.RollbackVerdictId, [.. events.Select(DeploymentEventInfo.From)], [.. verdicts.Select(VerdictInfo.From)]);
}

public sealed record DeploymentEventInfo(long Id, DateTime At, DeploymentEventKind Kind, string Message, string Actor, int? TrafficFrom, int? TrafficTo, long? RouteRevision)
{
    internal static DeploymentEventInfo From(DeploymentEvent e) => new(e.Id, e.At, e.Kind, e.Message, e.Actor, e.TrafficFrom, e.TrafficTo, e.RouteRevision);
}

/// <summary>
/// A stored verdict; <see cref="Checks"/> is every metric's canary and baseline value, threshold and p-value or bound.
/// Its samples cover <see cref="WindowSeconds"/> from <see cref="WindowFrom"/> (the start of the step's first second) to <see cref="At"/>.
/// </summary>
public sealed record VerdictInfo(
    long Id, int Step, int TrafficPercent, DateTime At, VerdictOutcome Outcome, int WindowSeconds, long CanarySamples, long BaselineSamples, JsonElement Checks, string Summary,
    DateTime WindowFrom)
{
    internal static VerdictInfo From(Verdict v) => new(
        v.Id, v.Step, v.TrafficPercent, v.At, v.Outcome, v.WindowSeconds, v.CanarySamples, v.BaselineSamples,
        JsonSerializer.Deserialize<JsonElement>(v.ChecksJson), v.Summary, AnalysisWindow.StartOf(v.At, v.WindowSeconds));
}

/// <summary><c>POST /api/v1/snapshots</c>.</summary>
public sealed record TakeSnapshotRequest(string? Model, string? Environment, string? Reason);

/// <summary>
/// <c>POST /api/v1/snapshots/{id}/restore</c>. <see cref="ExpectedRevision"/>: the route revision the operator looked at
/// (the diff's <c>currentRevision</c>); when the route has moved since, the restore is refused with a 409.
/// </summary>
public sealed record RestoreSnapshotRequest(string? Reason, long? ExpectedRevision = null);

public sealed record SnapshotInfo(
    long Id, string Model, string Environment, IReadOnlyList<SnapshotSplit> Splits, long RouteRevision, IReadOnlyList<string> Versions,
    GuardRules? Guard, DateTime TakenAt, string TakenBy, string Reason, long? DeploymentId)
{
    internal static SnapshotInfo From(Snapshot s) => new(
        s.Id, s.ModelName, s.EnvironmentName, [.. s.Splits.Select(p => new SnapshotSplit(p.Version, p.Weight))], s.RouteRevision, s.Versions,
        s.GuardRulesJson is null ? null : DeploymentJson.ReadGuard(s.GuardRulesJson), s.TakenAt, s.TakenBy, s.Reason, s.DeploymentId);
}

public sealed record SnapshotSplit(string Version, int Weight);

/// <summary>A snapshot against the route as it is now: per version, the weight then and now.</summary>
public sealed record SnapshotDiff(
    long SnapshotId, bool Identical, long SnapshotRevision, long? CurrentRevision, IReadOnlyList<SnapshotSplit> CurrentSplits, IReadOnlyList<SplitChange> Changes);

public sealed record SplitChange(string Version, int SnapshotWeight, int CurrentWeight);

/// <summary>A snapshot with its diff against the current route (<c>GET /api/v1/snapshots/{id}</c>).</summary>
public sealed record SnapshotDetail(SnapshotInfo Snapshot, SnapshotDiff Diff);

internal static class DeploymentJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static GuardRules ReadGuard(string json) => JsonSerializer.Deserialize<GuardRules>(json, Options) ?? GuardRules.Default;
}
