using ModelRegistry.Dashboard.Alerts;

namespace ModelRegistry.Dashboard.Notifications;

public enum ChannelKind
{
    Webhook,
    Slack,
}

/// <summary>Where notifications go: a webhook or a Slack incoming webhook, with the events and scopes it wants.</summary>
public sealed class NotificationChannel
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public ChannelKind Kind { get; set; }

    public required string Url { get; set; }

    /// <summary>The signing secret, encrypted (<see cref="ISecretProtector"/>); never returned or logged.</summary>
    public string? SecretProtected { get; set; }

    /// <summary>Comma-separated event types; null: every type.</summary>
    public string? Events { get; set; }

    public string? Models { get; set; }

    public string? Environments { get; set; }

    /// <summary>Alerts below this severity are not sent (deployment events always are).</summary>
    public AlertSeverity? MinSeverity { get; set; }

    public DateTime CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

/// <summary>
/// One event in the outbox, written in the same transaction as the change that caused it; the dispatcher turns it into
/// one <see cref="NotificationDelivery"/> per matching channel. <see cref="EventId"/> is what receivers deduplicate on.
/// </summary>
public sealed class OutboxEvent
{
    public long Id { get; set; }

    public required string EventId { get; set; }

    public required string Type { get; set; }

    public DateTime OccurredAt { get; set; }

    public string? ModelName { get; set; }

    public string? EnvironmentName { get; set; }

    public AlertSeverity? Severity { get; set; }

    /// <summary>The event's <c>data</c>, JSON.</summary>
    public required string Data { get; set; }

    /// <summary>Fanned out into deliveries (for the channels that existed then).</summary>
    public bool Dispatched { get; set; }
}

public enum DeliveryStatus
{
    Pending,
    Delivered,

    /// <summary>Gave up after the configured number of attempts; an Admin may retry it.</summary>
    Dead,
}

/// <summary>One event to one channel: its attempts, last outcome and next try.</summary>
public sealed class NotificationDelivery
{
    public long Id { get; set; }

    public long OutboxEventId { get; set; }

    public long ChannelId { get; set; }

    public DeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTime? NextAttemptAt { get; set; }

    public DateTime? LastAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTime? DeliveredAt { get; set; }
}

/// <summary>Encrypts channel secrets at rest (the host provides it: ASP.NET Core Data Protection, keys in the database).</summary>
public interface ISecretProtector
{
    string Protect(string secret);

    string Unprotect(string protectedSecret);
}

public static class NotificationEvents
{
    public const string AlertFired = "alert.fired";
    public const string AlertAcknowledged = "alert.acknowledged";
    public const string AlertResolved = "alert.resolved";
    public const string DeploymentStarted = "deployment.started";
    public const string DeploymentPromoted = "deployment.promoted";
    public const string DeploymentSucceeded = "deployment.succeeded";
    public const string DeploymentRolledBack = "deployment.rolled-back";
    public const string DeploymentFailed = "deployment.failed";
    public const string DeploymentAborted = "deployment.aborted";

    public static IReadOnlyList<string> All { get; } =
    [
        AlertFired, AlertAcknowledged, AlertResolved, DeploymentStarted, DeploymentPromoted, DeploymentSucceeded,
        DeploymentRolledBack, DeploymentFailed, DeploymentAborted,
    ];
}
