namespace ModelRegistry.Dashboard.Alerts;

/// <summary>
/// When a metric of a series crosses a threshold over a window for at least <see cref="ForSeconds"/>, an alert fires.
/// Scope: a model and/or environment, or every series when both are null. Below <see cref="MinSamples"/> requests in
/// the window the rule says nothing, so an idle version never fires. An alert resolves only once the condition has
/// stayed clear for <see cref="CooldownSeconds"/>, so a value hovering at the threshold does not flap.
/// </summary>
public sealed class AlertRule
{
    public const int DefaultCooldownSeconds = 60;

    public const int MaxCooldownSeconds = 3600;

    public int Id { get; set; }

    public required string Name { get; set; }

    public AlertMetric Metric { get; set; }

    public AlertComparator Comparator { get; set; }

    public double Threshold { get; set; }

    public int WindowSeconds { get; set; } = 60;

    public int ForSeconds { get; set; }

    /// <summary>How long the condition must stay clear before an open alert resolves; a breach sooner continues it.</summary>
    public int CooldownSeconds { get; set; } = DefaultCooldownSeconds;

    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;

    public string? ModelName { get; set; }

    public string? EnvironmentName { get; set; }

    public int MinSamples { get; set; } = 20;

    public bool Enabled { get; set; } = true;

    public DateTime CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTime UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public int ConcurrencyStamp { get; set; }
}

public enum AlertMetric
{
    ErrorRate,
    SuccessRate,
    AvgLatencyMs,
    P95LatencyMs,
    P99LatencyMs,
    TokensPerRequest,
}

public enum AlertComparator
{
    GreaterThan,
    LessThan,
}

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}
