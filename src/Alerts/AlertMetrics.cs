using System.Globalization;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Alerts;

/// <summary>Reads an alert metric off a summary, in the units operators set thresholds in (rates in percent, latency in ms).</summary>
public static class AlertMetrics
{
    public static double ValueOf(MetricsSummary summary, AlertMetric metric) => metric switch
    {
        AlertMetric.ErrorRate => summary.ErrorRate * 100,
        AlertMetric.SuccessRate => summary.SuccessRate * 100,
        AlertMetric.AvgLatencyMs => summary.AvgLatencyMs,
        AlertMetric.P95LatencyMs => summary.P95LatencyMs,
        AlertMetric.P99LatencyMs => summary.P99LatencyMs,
        AlertMetric.TokensPerRequest => summary.TokensPerRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };

    public static bool Breaches(AlertComparator comparator, double value, double threshold) => comparator switch
    {
        AlertComparator.GreaterThan => value > threshold,
        AlertComparator.LessThan => value < threshold,
        _ => false,
    };

    public static string Label(AlertMetric metric) => metric switch
    {
        AlertMetric.ErrorRate => "Error rate",
        AlertMetric.SuccessRate => "Success rate",
        AlertMetric.AvgLatencyMs => "Average latency",
        AlertMetric.P95LatencyMs => "p95 latency",
        AlertMetric.P99LatencyMs => "p99 latency",
        AlertMetric.TokensPerRequest => "Tokens per request",
        _ => metric.ToString(),
    };

    public static string Format(AlertMetric metric, double value) => metric switch
    {
        AlertMetric.ErrorRate or AlertMetric.SuccessRate => string.Create(CultureInfo.InvariantCulture, $"{value:0.#}%"),
        AlertMetric.TokensPerRequest => string.Create(CultureInfo.InvariantCulture, $"{value:0}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value:0} ms"),
    };

    public static string Describe(AlertMetric metric, AlertComparator comparator, double threshold) =>
        $"{Label(metric)} {(comparator == AlertComparator.GreaterThan ? ">" : "<")} {Format(metric, threshold)}";
}
