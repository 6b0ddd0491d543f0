using MathNet.Numerics.Distributions;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Deployments.Verdicts;

/// <summary>
/// How noisy a summary's latency figures are. A <see cref="MetricsSummary"/> carries the mean and percentiles but no
/// variance, so the spread is inferred, on the cautious side:
/// <list type="bullet">
/// <item>Service latency is close to log-normal, so σ of ln(latency) follows from how far the tail percentiles sit
/// above the median: ln(p95/p50)/z₀.₉₅ and ln(p99/p50)/z₀.₉₉. The <em>wider</em> of the two is taken, so a tail
/// heavier than log-normal widens the estimate rather than hiding.</item>
/// <item>That model can overstate the spread badly when a few requests are very slow (a timeout puts p99 far out). The
/// Bhatia–Davis inequality bounds the variance of any values in [0, max] by (max − mean)·mean, whatever their
/// distribution (R. Bhatia, C. Davis, Amer. Math. Monthly 107, 2000); the model's variance is capped there.</item>
/// </list>
/// The percentiles' own histogram error (<see cref="LatencyScale.RelativeError"/>) is far below this sampling noise.
/// </summary>
internal static class LatencySpread
{
    private static readonly double Z95 = Normal.InvCDF(0, 1, 0.95);
    private static readonly double Z99 = Normal.InvCDF(0, 1, 0.99);

    /// <summary>σ of ln(latency) under the log-normal model; null when the summary has no median to anchor it.</summary>
    public static double? LogSigma(MetricsSummary summary)
    {
        if (!(summary.P50LatencyMs > 0))
        {
            return null;
        }

        var from95 = summary.P95LatencyMs > summary.P50LatencyMs ? Math.Log(summary.P95LatencyMs / summary.P50LatencyMs) / Z95 : 0;
        var from99 = summary.P99LatencyMs > summary.P50LatencyMs ? Math.Log(summary.P99LatencyMs / summary.P50LatencyMs) / Z99 : 0;
        return Math.Max(from95, from99);
    }

    /// <summary>The standard error of the mean latency: √(variance / n), the variance as described on the class.</summary>
    public static double StandardErrorOfMean(MetricsSummary summary)
    {
        var mean = summary.AvgLatencyMs;
        var distributionFree = summary.MaxLatencyMs >= mean ? mean * (summary.MaxLatencyMs - mean) : double.PositiveInfinity;
        var model = LogSigma(summary) is { } sigma ? mean * mean * (Math.Exp(sigma * sigma) - 1) : double.PositiveInfinity;
        var variance = Math.Min(model, distributionFree);
        return double.IsFinite(variance) ? Math.Sqrt(variance / summary.Requests) : double.PositiveInfinity;
    }

    /// <summary>
    /// The standard error of ln(p95): the sample quantile's asymptotic variance p(1−p)/(n·f(q)²), with f the log-normal
    /// density (in log space φ(z₀.₉₅)/σ). Null without a log-normal σ.
    /// </summary>
    public static double? P95LogStandardError(MetricsSummary summary)
    {
        if (LogSigma(summary) is not { } sigma)
        {
            return null;
        }

        var density = Math.Exp(-Z95 * Z95 / 2) / Math.Sqrt(2 * Math.PI);
        return sigma * Math.Sqrt(0.95 * 0.05 / summary.Requests) / density;
    }

    /// <summary>The p95 less the histogram's error: the figure the p95 check compares, so a bucket's width never fails a canary.</summary>
    public static double CautiousP95(MetricsSummary summary) => summary.P95LatencyMs * (1 - LatencyScale.RelativeError);
}
