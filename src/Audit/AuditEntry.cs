namespace ModelRegistry.Dashboard.Audit;

/// <summary>Append-only record of one change: who, when, what, to which target, why, and the state before and after.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTime Timestamp { get; init; }

    public required string Actor { get; init; }

    /// <summary>A stable verb such as <see cref="AuditActions.ModelRegistered"/>.</summary>
    public required string Action { get; init; }

    /// <summary>Human-readable target, e.g. <c>support-chat@1.2.0</c> or <c>production/support-chat</c>.</summary>
    public required string Target { get; init; }

    public string? ModelName { get; init; }

    public string? Version { get; init; }

    public string? EnvironmentName { get; init; }

    public string? Reason { get; init; }

    /// <summary>JSON of the state before the change (null for a creation).</summary>
    public string? Before { get; init; }

    /// <summary>JSON of the state after the change.</summary>
    public string? After { get; init; }
}

public static class AuditActions
{
    public const string ModelRegistered = "model.registered";
    public const string ModelUpdated = "model.updated";
    public const string VersionRegistered = "version.registered";
    public const string VersionUpdated = "version.updated";
    public const string RouteChanged = "route.changed";
    public const string RouteRemoved = "route.removed";
    public const string AlertRuleCreated = "alert-rule.created";
    public const string AlertRuleUpdated = "alert-rule.updated";
    public const string AlertRuleDeleted = "alert-rule.deleted";
    public const string AlertAcknowledged = "alert.acknowledged";
    public const string DeploymentCreated = "deployment.created";
    public const string DeploymentPromoted = "deployment.promoted";
    public const string DeploymentPaused = "deployment.paused";
    public const string DeploymentResumed = "deployment.resumed";
    public const string DeploymentRolledBack = "deployment.rolled-back";
    public const string DeploymentSucceeded = "deployment.succeeded";
    public const string DeploymentFailed = "deployment.failed";
    public const string DeploymentAborted = "deployment.aborted";
    public const string SnapshotTaken = "snapshot.taken";
    public const string SnapshotRestored = "snapshot.restored";
    public const string UserCreated = "user.created";
    public const string UserUpdated = "user.updated";
    public const string UserSignedIn = "user.signed-in";
    public const string UserSignInFailed = "user.sign-in-failed";
    public const string ApiKeyCreated = "api-key.created";
    public const string ApiKeyRevoked = "api-key.revoked";
    public const string ChannelCreated = "channel.created";
    public const string ChannelUpdated = "channel.updated";
    public const string ChannelDeleted = "channel.deleted";

    /// <summary>Every action, in the order the audit page offers them as a filter.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ModelRegistered, ModelUpdated, VersionRegistered, VersionUpdated, RouteChanged, RouteRemoved,
        DeploymentCreated, DeploymentPromoted, DeploymentPaused, DeploymentResumed, DeploymentRolledBack, DeploymentSucceeded,
        DeploymentFailed, DeploymentAborted, SnapshotTaken, SnapshotRestored,
        AlertRuleCreated, AlertRuleUpdated, AlertRuleDeleted, AlertAcknowledged,
        UserCreated, UserUpdated, UserSignedIn, UserSignInFailed, ApiKeyCreated, ApiKeyRevoked,
        ChannelCreated, ChannelUpdated, ChannelDeleted,
    ];
}
