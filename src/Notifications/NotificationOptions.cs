using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Notifications;

/// <summary><c>Notifications:*</c>: how deliveries are attempted.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>How often the dispatcher looks for new events and due retries.</summary>
    [Range(100, 60_000)]
    public int IntervalMilliseconds { get; set; } = 500;

    /// <summary>After this many failed attempts a delivery is dead (shown on the channel, retried only by hand).</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter (Polly's), up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    [Range(0.01, 3600)]
    public double FirstRetryDelaySeconds { get; set; } = 2;

    [Range(1, 86_400)]
    public double MaxRetryDelaySeconds { get; set; } = 600;

    /// <summary>One attempt may take this long before it counts as failed (a hanging receiver).</summary>
    [Range(1, 300)]
    public int AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>The dashboard's public address, for the links in notifications (e.g. <c>https://registry.example.com</c>).</summary>
    public string? PublicBaseUrl { get; set; }
}
