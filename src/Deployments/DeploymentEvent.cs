using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Deployments;

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
