using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Deployments.Verdicts;

/// <summary>
/// Judges a canary against its guard rules and its baseline (the stable version over the same window). Pure and
/// deterministic: the orchestrator calls it every tick with the two live summaries and stores what it returns.
/// <para>
/// Below <see cref="GuardRules.MinSamples"/> canary requests the verdict is <see cref="VerdictOutcome.InsufficientData"/>:
/// never a pass, never a rollback. Otherwise every check is judged, and one failure fails the canary. A check fails
/// only when its breach is shown at <see cref="GuardRules.Confidence"/> (one-sided), so a noisy blip does not roll back:
/// </para>
/// <list type="bullet">
/// <item><b>Error rate</b>: the lower Wilson bound of the canary's error rate is above the limit.</item>
/// <item><b>Success rate</b> (when set): the upper Wilson bound of the success rate is below the minimum.</item>
/// <item><b>Error-rate increase</b>: the canary's error rate is higher than the baseline's by Fisher's exact test
/// (exact for the few errors of the first requests, where a z-test rejects too often), <em>and</em> the upper
/// confidence bound of the increase (Newcombe's interval) is above the allowed points — "certainly worse, and not shown
/// to be within the allowance". Testing instead "certainly worse by more than the allowance" would need ~500 canary
/// requests to catch a 10%-vs-2% canary at 99% (only 3 of the 8 points are beyond the allowance), against the issue's
/// 200. Because this check is the one that sees a real difference early, its test is the one repeated looks threaten:
/// its p-value must be below (1 − confidence) / <see cref="RepeatedLooks"/>, a Pocock-style constant boundary
/// (S. J. Pocock, Biometrika 64, 1977: the nominal level for ~50 equally spaced looks is about a tenth of the overall
/// one) that holds the whole canary's false-fail rate below 1 − confidence (the simulation tests measure it).
/// Evaluating every second adds looks at nearly the same data, which adds little. Recorded: the p-value, and as the bound the baseline's
/// rate plus the upper bound of the increase, against the threshold baseline + allowance.</item>
/// <item><b>Average latency</b>: the lower bound of the mean (normal approximation, spread inferred as in
/// <see cref="LatencySpread"/>) is above the limit.</item>
/// <item><b>p95 latency</b> (when set): the lower bound of the p95 (sample-quantile asymptotics under the same model)
/// is above the limit.</item>
/// <item><b>Latency increase</b>: the canary's mean is above baseline × (1 + allowed %) by a one-sided z-test on the
/// two means, <em>and</em> the canary's median is above the baseline's median × (1 + allowed %). The summaries carry no
/// variance, so the spread is an estimate; requiring the median to agree means a few slow outliers, which move the mean
/// but not the median, can never fail a canary on their own.</item>
/// <item><b>Tokens per request increase</b>: the canary's figure is above baseline × (1 + allowed %). A plain comparison:
/// the summary has no spread of token counts to test with; the default 50% margin is many standard errors of a mean
/// over ≥50 requests for any plausible token distribution.</item>
/// </list>
/// The relative checks are skipped without a baseline or when the baseline has fewer than the minimum requests.
/// The other checks keep a per-evaluation false-alarm rate of 1 − confidence: their limits sit far from healthy
/// figures (an absolute limit, or a 50% margin over the baseline), so repeated looks at a healthy canary add almost
/// nothing; with a relative margin of 0 they would add up to several percent over a canary's life.
/// </summary>
public static class VerdictEvaluator
{
    /// <summary>The error-rate comparison's p-value must be below (1 − confidence) divided by this (see the class).</summary>
    public const int RepeatedLooks = 10;

    /// <summary>Judges <paramref name="canary"/> against <paramref name="rules"/> and, for the relative limits, <paramref name="baseline"/>.</summary>
    /// <exception cref="Core.ValidationFailedException">The rules are invalid (fields named <c>guard.*</c>).</exception>
    /// <exception cref="ArgumentException">A summary's figures are inconsistent (negative, or more errors than requests).</exception>
    public static VerdictResult Evaluate(GuardRules rules, MetricsSummary canary, MetricsSummary? baseline)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(canary);
        rules.Validate();
        CheckSummary(canary, nameof(canary));
        if (baseline is not null)
        {
            CheckSummary(baseline, nameof(baseline));
        }

        if (canary.Requests < rules.MinSamples)
        {
            var reason = $"Insufficient data: {canary.Requests} of {rules.MinSamples} required requests.";
            return new VerdictResult(VerdictOutcome.InsufficientData, reason, rules.Confidence, canary.Requests, baseline?.Requests, Waiting(canary, baseline, reason));
        }

        var judge = new VerdictJudge(rules, canary, baseline);
        MetricCheck[] checks =
        [
            judge.ErrorRate(),
            judge.ErrorRateIncrease(),
            judge.SuccessRate(),
            judge.AvgLatency(),
            judge.P95Latency(),
            judge.LatencyIncrease(),
            judge.TokensPerRequestIncrease(),
        ];

        var failed = checks.Where(c => c.Result == CheckResult.Failed).ToList();
        if (failed.Count > 0)
        {
            return new VerdictResult(VerdictOutcome.Fail, "Fail: " + string.Join(" ", failed.Select(c => c.Reason)), rules.Confidence, canary.Requests, baseline?.Requests, checks);
        }

        var passed = checks.Count(c => c.Result == CheckResult.Passed);
        var skipped = checks.Length - passed;
        var against = judge.Baseline is { } b ? $" against {b.Requests} baseline requests" : " (no baseline to compare with)";
        var summary = $"Pass: {passed} checks passed on {canary.Requests} canary requests{against}" + (skipped > 0 ? $"; {skipped} skipped." : ".");
        return new VerdictResult(VerdictOutcome.Pass, summary, rules.Confidence, canary.Requests, baseline?.Requests, checks);
    }

    private static void CheckSummary(MetricsSummary summary, string name)
    {
        if (summary.Requests < 0 || summary.Errors < 0 || summary.Errors > summary.Requests)
        {
            throw new ArgumentException($"Inconsistent counts: {summary.Errors} errors of {summary.Requests} requests.", name);
        }

        double[] figures = [summary.AvgLatencyMs, summary.P50LatencyMs, summary.P95LatencyMs, summary.P99LatencyMs, summary.MaxLatencyMs, summary.TokensPerRequest];
        if (figures.Any(f => !double.IsFinite(f) || f < 0))
        {
            throw new ArgumentException("Latency and token figures must be finite and not negative.", name);
        }
    }

    private static MetricCheck[] Waiting(MetricsSummary canary, MetricsSummary? baseline, string reason)
    {
        MetricCheck Skip(string metric, string unit, double value, double? baselineValue) =>
            new(metric, unit, value, baselineValue, null, "—", canary.Requests, baseline?.Requests, null, null, CheckResult.Skipped, reason);

        return
        [
            Skip(VerdictMetrics.ErrorRate, "%", canary.ErrorRate * 100, baseline?.ErrorRate * 100),
            Skip(VerdictMetrics.ErrorRateIncrease, "%", canary.ErrorRate * 100, baseline?.ErrorRate * 100),
            Skip(VerdictMetrics.SuccessRate, "%", canary.SuccessRate * 100, baseline?.SuccessRate * 100),
            Skip(VerdictMetrics.AvgLatency, "ms", canary.AvgLatencyMs, baseline?.AvgLatencyMs),
            Skip(VerdictMetrics.P95Latency, "ms", canary.P95LatencyMs, baseline?.P95LatencyMs),
            Skip(VerdictMetrics.LatencyIncrease, "ms", canary.AvgLatencyMs, baseline?.AvgLatencyMs),
            Skip(VerdictMetrics.TokensPerRequestIncrease, "tokens", canary.TokensPerRequest, baseline?.TokensPerRequest),
        ];
    }
}
