using System.Globalization;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Controls.Charts;

/// <summary>
/// One chart of the canary report: what it plots of a version's point, and which guard-rule limits are drawn on it.
/// </summary>
/// <param name="Key">Names the chart in its <c>data-testid</c> (<c>canary-chart-{key}</c>).</param>
/// <param name="Value">The figure of a point covering <c>seconds</c>; null when the point has no requests to compute it from
/// (the point is left out and the line joins its neighbours: a 10% canary has seconds without a request, and gaps
/// would break its line into single seconds that draw nothing).</param>
public sealed record CanaryMetric(string Key, string Title, ChartUnit Unit, Func<MetricPoint, int, double?> Value)
{
    public static CanaryMetric ErrorRate { get; } = new("error-rate", "Error rate", ChartUnit.Percent, (p, _) => p.Requests == 0 ? null : p.ErrorRate * 100);

    public static CanaryMetric AvgLatency { get; } = new("avg-latency", "Average latency", ChartUnit.Milliseconds, (p, _) => p.Requests == 0 ? null : p.AvgLatencyMs);

    public static CanaryMetric P95Latency { get; } = new("p95-latency", "p95 latency", ChartUnit.Milliseconds, (p, _) => p.Requests == 0 ? null : p.P95LatencyMs);

    /// <summary>A rate, so a second without requests is a real zero, not a missing figure.</summary>
    public static CanaryMetric Requests { get; } = new("requests", "Requests per second", ChartUnit.PerSecond, (p, seconds) => (double)p.Requests / Math.Max(1, seconds));

    public static CanaryMetric TokensPerRequest { get; } = new("tokens", "Tokens per request", ChartUnit.Tokens,
        (p, _) => p.Requests == 0 ? null : (double)(p.InputTokens + p.OutputTokens) / p.Requests);

    /// <summary>The report's charts in the order Kayenta's report lists them: errors first, then latency, load and cost.</summary>
    public static IReadOnlyList<CanaryMetric> All { get; } = [ErrorRate, AvgLatency, P95Latency, Requests, TokensPerRequest];

    /// <summary>
    /// The limit lines of this chart: every absolute guard rule at its value, and the relative ones (against the
    /// stable version) at the limit the judgement in <paramref name="checks"/> applied — computed from the stable
    /// version's figures over that judgement's window, so it is drawn only when that check was judged, and labelled
    /// with <paramref name="relativeWindow"/> ("this step", "verdict 7").
    /// </summary>
    public IReadOnlyList<ChartThreshold> Thresholds(GuardRules guard, IReadOnlyList<MetricCheck> checks, string relativeWindow)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(checks);
        var lines = new List<ChartThreshold>();
        void Relative(string metric, string label)
        {
            if (checks.FirstOrDefault(c => c.Metric == metric) is { Result: not CheckResult.Skipped, Threshold: { } limit } && double.IsFinite(limit))
            {
                lines.Add(new ChartThreshold(Round(limit), $"{label} ({relativeWindow})"));
            }
        }

        switch (Key)
        {
            case "error-rate":
                lines.Add(new ChartThreshold(guard.MaxErrorRate, $"max {Number(guard.MaxErrorRate)}%"));
                if (guard.MinSuccessRate is { } success)
                {
                    lines.Add(new ChartThreshold(100 - success, $"success ≥ {Number(success)}%"));
                }

                Relative(VerdictMetrics.ErrorRateIncrease, $"stable + {Number(guard.MaxErrorRateIncrease)} pts");
                break;
            case "avg-latency":
                lines.Add(new ChartThreshold(guard.MaxAvgLatencyMs, $"max {Number(guard.MaxAvgLatencyMs)} ms"));
                Relative(VerdictMetrics.LatencyIncrease, $"stable + {Number(guard.MaxLatencyIncreasePercent)}%");
                break;
            case "p95-latency" when guard.MaxP95LatencyMs is { } p95:
                lines.Add(new ChartThreshold(p95, $"max {Number(p95)} ms"));
                break;
            case "tokens":
                Relative(VerdictMetrics.TokensPerRequestIncrease, $"stable + {Number(guard.MaxTokensPerRequestIncreasePercent)}%");
                break;
        }

        return lines;
    }

    /// <summary>Three significant digits: a relative limit moves with every stable request, the line need not.</summary>
    private static double Round(double value) =>
        value == 0 ? 0 : Math.Round(value, Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(value)))));

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
