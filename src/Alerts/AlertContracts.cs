namespace ModelRegistry.Dashboard.Alerts;

/// <summary>
/// Create or replace a rule. Rates (error, success) are in percent: 10 means 10%. <c>cooldownSeconds</c> (default 60):
/// how long the condition must stay clear before an alert resolves.
/// </summary>
public sealed record AlertRuleRequest(
    string? Name,
    string? Metric,
    string? Comparator,
    double? Threshold,
    int? WindowSeconds = null,
    int? ForSeconds = null,
    string? Severity = null,
    string? Model = null,
    string? Environment = null,
    int? MinSamples = null,
    bool? Enabled = null,
    int? ConcurrencyStamp = null,
    int? CooldownSeconds = null);

public sealed record AlertRuleInfo(
    int Id,
    string Name,
    AlertMetric Metric,
    AlertComparator Comparator,
    double Threshold,
    int WindowSeconds,
    int ForSeconds,
    AlertSeverity Severity,
    string? Model,
    string? Environment,
    int MinSamples,
    bool Enabled,
    DateTime UpdatedAt,
    string UpdatedBy,
    int ConcurrencyStamp,
    int CooldownSeconds)
{
    internal static AlertRuleInfo From(AlertRule r) => new(
        r.Id, r.Name, r.Metric, r.Comparator, r.Threshold, r.WindowSeconds, r.ForSeconds, r.Severity,
        r.ModelName, r.EnvironmentName, r.MinSamples, r.Enabled, r.UpdatedAt, r.UpdatedBy, r.ConcurrencyStamp, r.CooldownSeconds);

    /// <summary>"Error rate > 10%" — the rule as an operator reads it.</summary>
    public string Condition => AlertMetrics.Describe(Metric, Comparator, Threshold);
}

public sealed record AlertInfo(
    long Id,
    int RuleId,
    string RuleName,
    AlertMetric Metric,
    AlertComparator Comparator,
    double Threshold,
    AlertSeverity Severity,
    string Environment,
    string Model,
    string Version,
    AlertState State,
    double FiredValue,
    double LastValue,
    DateTime FiredAt,
    DateTime? AcknowledgedAt,
    string? AcknowledgedBy,
    string? AcknowledgeNote,
    DateTime? ResolvedAt,
    int ConcurrencyStamp,
    DateTime? ClearSince)
{
    internal static AlertInfo From(Alert a) => new(
        a.Id, a.RuleId, a.RuleName, a.Metric, a.Comparator, a.Threshold, a.Severity, a.EnvironmentName, a.ModelName, a.Version,
        a.State, a.FiredValue, a.LastValue, a.FiredAt, a.AcknowledgedAt, a.AcknowledgedBy, a.AcknowledgeNote, a.ResolvedAt, a.ConcurrencyStamp,
        a.ClearSince);

    /// <summary>Open, but its condition has been clear since <see cref="ClearSince"/>: it resolves once the rule's cooldown has passed.</summary>
    public bool Clearing => State != AlertState.Resolved && ClearSince is not null;

    public string Condition => AlertMetrics.Describe(Metric, Comparator, Threshold);

    public string Target => $"{Environment}/{Model}@{Version}";
}

public sealed record AcknowledgeAlertRequest(string? Note = null, int? ConcurrencyStamp = null);
