namespace ModelRegistry.Dashboard.Live;

/// <summary>One thing that changed, as small as a subscriber needs to decide whether to reload.</summary>
/// <param name="Detail">A sentence for people, when the change is worth announcing (e.g. an alert firing).</param>
public sealed record Change(ChangeKind Kind, string? Model = null, string? Version = null, string? Environment = null, string? Detail = null);

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

    /// <summary>A deployment was created or changed state, step, traffic or verdict.</summary>
    DeploymentChanged,

    /// <summary>A snapshot was taken or restored.</summary>
    SnapshotChanged,

    /// <summary>A user was added, or their role or access changed (<see cref="Change.Detail"/>: the e-mail).</summary>
    UserChanged,

    /// <summary>An API key was created or revoked (<see cref="Change.Detail"/>: its prefix).</summary>
    ApiKeyChanged,

    /// <summary>A notification channel changed, or one of its deliveries was attempted (<see cref="Change.Detail"/>: the channel id).</summary>
    NotificationChanged,
}
