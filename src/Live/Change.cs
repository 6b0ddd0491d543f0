namespace ModelRegistry.Dashboard.Live;

/// <summary>One thing that changed, as small as a subscriber needs to decide whether to reload.</summary>
public sealed record Change(ChangeKind Kind, string? Model = null, string? Version = null, string? Environment = null);

public enum ChangeKind
{
    ModelRegistered,
    ModelUpdated,
    VersionRegistered,
    VersionUpdated,
    RouteChanged,
    AlertChanged,
    AlertRuleChanged,
    HealthChanged,
}
