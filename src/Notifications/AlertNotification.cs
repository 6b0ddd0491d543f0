using ModelRegistry.Dashboard.Alerts;

namespace ModelRegistry.Dashboard.Notifications;

/// <summary>What an alert event carries: the rule, the value against its threshold, the severity and the series.</summary>
public static class AlertNotification
{
    public static object Data(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var condition = AlertMetrics.Describe(alert.Metric, alert.Comparator, alert.Threshold);
        var state = alert.State.ToString().ToLowerInvariant();
        return new
        {
            summary = $"{alert.RuleName}: {condition} on {alert.EnvironmentName}/{alert.ModelName}@{alert.Version} — {state}, value {AlertMetrics.Format(alert.Metric, alert.LastValue)}.",
            alertId = alert.Id == 0 ? (long?)null : alert.Id,
            rule = alert.RuleName,
            condition,
            metric = alert.Metric.ToString(),
            value = alert.LastValue,
            threshold = alert.Threshold,
            severity = alert.Severity.ToString().ToLowerInvariant(),
            state,
            model = alert.ModelName,
            version = alert.Version,
            environment = alert.EnvironmentName,
            firedAt = alert.FiredAt,
            acknowledgedBy = alert.AcknowledgedBy,
        };
    }
}
