namespace ModelRegistry.Dashboard.Alerts;

/// <summary>Create or replace a rule. Rates (error, success) are in percent: 10 means 10%.</summary>
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
    int? ConcurrencyStamp = null);

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
    int ConcurrencyStamp)
{
    internal static AlertRuleInfo From(AlertRule r) => new(
        r.Id, r.Name, r.Metric, r.Comparator, r.Threshold, r.WindowSeconds, r.ForSeconds, r.Severity,
        r.ModelName, r.EnvironmentName, r.MinSamples, r.Enabled, r.UpdatedAt, r.UpdatedBy, r.ConcurrencyStamp);

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
    int ConcurrencyStamp)
{
    internal static AlertInfo From(Alert a) => new(
        a.Id, a.RuleId, a.RuleName, a.Metric, a.Comparator, a.Threshold, a.Severity, a.EnvironmentName, a.ModelName, a.Version,
        a.State, a.FiredValue, a.LastValue, a.FiredAt, a.AcknowledgedAt, a.AcknowledgedBy, a.AcknowledgeNote, a.ResolvedAt, a.ConcurrencyStamp);

    public string Condition => AlertMetrics.Describe(Metric, Comparator, Threshold);

    public string Target => $"{Environment}/{Model}@{Version}";
}

public sealed record AcknowledgeAlertRequest(string? Note = null, int? ConcurrencyStamp = null);
