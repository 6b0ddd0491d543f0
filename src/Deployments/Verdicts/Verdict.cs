namespace ModelRegistry.Dashboard.Deployments.Verdicts;

/// <summary>What a verdict says about the canary.</summary>
public enum VerdictOutcome
{
    /// <summary>Every applicable check passed on at least <see cref="GuardRules.MinSamples"/> canary requests: the step may advance.</summary>
    Pass,

    /// <summary>At least one check showed a breach at the configured confidence: roll back (or alert).</summary>
    Fail,

    /// <summary>No breach shown yet, on fewer canary requests than a pass needs: neither a pass nor a rollback; keep waiting.</summary>
    InsufficientData,
}

/// <summary>The result of one check.</summary>
public enum CheckResult
{
    Passed,
    Failed,

    /// <summary>Not judged: no limit set, no usable baseline, or not enough samples. Never counts against the canary.</summary>
    Skipped,
}

/// <summary>The stable names of the checks, as stored with a verdict and shown in the UI.</summary>
public static class VerdictMetrics
{
    public const string ErrorRate = "errorRate";
    public const string ErrorRateIncrease = "errorRateIncrease";
    public const string SuccessRate = "successRate";
    public const string AvgLatency = "avgLatency";
    public const string P95Latency = "p95Latency";
    public const string LatencyIncrease = "latencyIncrease";
    public const string TokensPerRequestIncrease = "tokensPerRequestIncrease";
}

/// <summary>
/// The evidence of one check: both versions' figures, the limit, how it was compared, the samples, the statistic, and
/// the result in words. Values are in <see cref="Unit"/>: <c>%</c> for rates, <c>ms</c> for latency, <c>tokens</c>.
/// </summary>
/// <param name="Threshold">The limit in the same unit as the values; for a relative check, the baseline-derived limit.</param>
/// <param name="Comparison">How the canary fails this check, in words (e.g. "lower 99% bound of the error rate &gt; 10%").</param>
/// <param name="PValue">The one-sided p-value, for the checks that test the canary against the baseline: 1 / <see cref="Evidence"/>,
/// an anytime-valid p-value (below 1 − confidence, ever, with probability at most 1 − confidence when nothing is wrong).</param>
/// <param name="Bound">The one-sided confidence bound compared with the limit, for the absolute checks (always-valid for the
/// rates); for the error-rate increase, the baseline's rate plus the upper bound of the increase.</param>
public sealed record MetricCheck(
    string Metric,
    string Unit,
    double CanaryValue,
    double? BaselineValue,
    double? Threshold,
    string Comparison,
    long CanarySamples,
    long? BaselineSamples,
    double? PValue,
    double? Bound,
    CheckResult Result,
    string Reason)
{
    /// <summary>
    /// The sequential evidence of a breach (an e-value, see <see cref="SequentialTests"/>): 1 or less is none, and the
    /// check fails once it reaches <see cref="EvidenceThreshold"/>. Null for a skipped check and for the token check
    /// (a plain comparison). Capped at <see cref="SequentialTests.MaxEvidence"/>.
    /// </summary>
    public double? Evidence { get; init; }

    /// <summary>What <see cref="Evidence"/> must reach to fail the check: 1 / (1 − confidence), e.g. 100 at 0.99.</summary>
    public double? EvidenceThreshold { get; init; }
}

/// <summary>A verdict (DESIGN.md §2): the outcome, every check's evidence, and one sentence that says why.</summary>
public sealed record VerdictResult(
    VerdictOutcome Outcome,
    string Summary,
    double Confidence,
    long CanarySamples,
    long? BaselineSamples,
    IReadOnlyList<MetricCheck> Checks)
{
    /// <summary>Canary requests a pass requires (the guard rules' <c>minSamples</c>); a failure needs no minimum.</summary>
    public int MinSamples { get; init; }

    /// <summary>
    /// The check that decided the outcome: the first failed one, or else the judged check nearest its threshold (the
    /// highest evidence relative to what it needs). Null when nothing was judged yet (no canary requests).
    /// </summary>
    public string? DecidingMetric { get; init; }

    /// <summary>The deciding check's <see cref="MetricCheck.Evidence"/>: how far a breach is shown so far.</summary>
    public double? Evidence { get; init; }

    /// <summary>The deciding check's <see cref="MetricCheck.EvidenceThreshold"/>: what the evidence must reach to fail.</summary>
    public double? EvidenceThreshold { get; init; }
}
