namespace ModelRegistry.Dashboard.Alerts;

/// <summary>
/// One firing of a rule for one series: firing → acknowledged → resolved, each with its time and actor. A breach while the
/// alert is still open (clearing, within the rule's cooldown) continues this alert rather than opening another.
/// </summary>
public sealed class Alert
{
    public long Id { get; set; }

    public int RuleId { get; init; }

    public required string RuleName { get; init; }

    public AlertMetric Metric { get; init; }

    public AlertComparator Comparator { get; init; }

    public double Threshold { get; init; }

    public AlertSeverity Severity { get; init; }

    public required string EnvironmentName { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public AlertState State { get; set; }

    /// <summary>The metric's value when the alert fired.</summary>
    public double FiredValue { get; init; }

    /// <summary>The metric's value at the latest evaluation.</summary>
    public double LastValue { get; set; }

    public DateTime FiredAt { get; init; }

    public DateTime? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public string? AcknowledgeNote { get; set; }

    public DateTime? ResolvedAt { get; set; }

    /// <summary>
    /// While open: since when the condition has been clear (null while it breaches). Persisted so that a restart
    /// neither forgets a clearing under way nor resolves early. Kept after resolution as the start of the clear spell.
    /// </summary>
    public DateTime? ClearSince { get; set; }

    public int ConcurrencyStamp { get; set; }
}

public enum AlertState
{
    Firing,
    Acknowledged,
    Resolved,
}
