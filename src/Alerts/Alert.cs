namespace ModelRegistry.Dashboard.Alerts;

/// <summary>One firing of a rule for one series: firing → acknowledged → resolved, each with its time and actor.</summary>
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

    public int ConcurrencyStamp { get; set; }
}

public enum AlertState
{
    Firing,
    Acknowledged,
    Resolved,
}
