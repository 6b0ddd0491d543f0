using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Pages.Metrics;

/// <summary>One chart of the Metrics page: which figure of a point it draws, per version, in which unit.</summary>
public sealed record MetricsChartKind(string TestId, string Title, ChartUnit Unit, Func<MetricPoint, int, double?> Read)
{
    public static readonly IReadOnlyList<MetricsChartKind> All =
    [
        new("metrics-chart-requests", "Requests per second", ChartUnit.PerSecond, (p, seconds) => (double)p.Requests / seconds),
        new("metrics-chart-error-rate", "Error rate", ChartUnit.Percent, (p, _) => p.ErrorRate * 100),
        new("metrics-chart-avg-latency", "Average latency", ChartUnit.Milliseconds, (p, _) => p.AvgLatencyMs),
        new("metrics-chart-p95-latency", "p95 latency", ChartUnit.Milliseconds, (p, _) => p.P95LatencyMs),
        new("metrics-chart-tokens", "Tokens per request", ChartUnit.Tokens, (p, _) => (double)(p.InputTokens + p.OutputTokens) / p.Requests),
    ];

    /// <summary>
    /// The value at one point covering <paramref name="seconds"/>: a rate of zero without traffic, while the figures of
    /// requests (error rate, latency, tokens) are a gap there rather than a misleading zero.
    /// </summary>
    public double? ValueOf(MetricPoint? point, int seconds) =>
        point is null || point.Requests == 0
            ? (Unit == ChartUnit.PerSecond ? 0 : null)
            : Read(point, seconds);
}
