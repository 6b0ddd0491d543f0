namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// A point-in-time copy of what is needed to put an (environment, model) back: the route's splits and revision, the
/// versions it names, the guard rules, and who/why/when (glossary: <em>Snapshot</em>).
/// </summary>
public sealed class Snapshot
{
    public long Id { get; set; }

    public required string EnvironmentName { get; init; }

    public required string ModelName { get; init; }

    /// <summary>The route's splits when taken; empty when the (environment, model) had no route yet.</summary>
    public List<PlannedSplit> Splits { get; set; } = [];

    /// <summary>The route's revision when taken; 0 when there was no route.</summary>
    public long RouteRevision { get; init; }

    /// <summary>The versions the route named, for reading without unpacking <see cref="Splits"/>.</summary>
    public List<string> Versions { get; set; } = [];

    public string? GuardRulesJson { get; init; }

    public DateTime TakenAt { get; init; }

    public required string TakenBy { get; init; }

    public required string Reason { get; init; }

    /// <summary>The deployment this snapshot was taken for, when it was taken automatically.</summary>
    public long? DeploymentId { get; set; }
}
