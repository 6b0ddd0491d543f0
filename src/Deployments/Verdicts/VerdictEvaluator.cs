using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Deployments.Verdicts;

/// <summary>
/// Judges a canary against its guard rules and its baseline (the stable version over the same window). Pure and
/// deterministic: the orchestrator calls it every tick and on arriving events with the two live summaries since the
/// step started, and stores what it returns.
/// <para>
/// The error checks are <em>sequential</em>: each is an anytime-valid test (<see cref="SequentialTests"/>) whose evidence
/// may be looked at after every request — by Ville's inequality a healthy canary's evidence reaches 1 / (1 −
/// <see cref="GuardRules.Confidence"/>) (100 at 0.99), ever, with probability at most 1 − confidence. So there is no
/// request minimum before a failure and no divisor for repeated looks: a canary failing every other request against a
/// 1% baseline fails on its 9th request, a subtle breach waits until the evidence suffices. A <b>pass</b> needs
/// <see cref="GuardRules.MinSamples"/> canary requests; below them, with no breach shown, the verdict is
/// <see cref="VerdictOutcome.InsufficientData"/>. One failed check fails the canary.
/// </para>
/// <list type="bullet">
/// <item><b>Error rate</b>: the Beta(½, ½)-mixture likelihood ratio of the canary's errors against a rate at the limit
/// reaches 1/α — equivalently, the canary's always-valid lower bound (confidence sequence) is above the limit.</item>
/// <item><b>Success rate</b> (when set): the same test on the errors against 100% − the minimum.</item>
/// <item><b>Error-rate increase</b>: the canary is shown worse than the baseline — universal inference, both samples'
/// Beta mixtures over the likelihood maximised under "canary ≤ baseline", reaches 1/α — <em>and</em> the increase is
/// not shown to be within the allowance (the canary's always-valid upper bound less the baseline's lower one, α/2 each,
/// is above <see cref="GuardRules.MaxErrorRateIncrease"/>). "Certainly worse, and not shown within the allowance":
/// testing "certainly worse by more than the allowance" would need thousands of requests for a 10%-vs-2% canary. The
/// guarantee is for a canary no worse than its baseline; one slightly worse but within the allowance can be rolled back
/// before the data shows it is within. Recorded: the evidence, 1/evidence as the p-value, and as the bound the
/// baseline's rate plus the upper bound of the increase, against the threshold baseline + allowance. Judged against
/// any baseline with requests: its bounds are valid at any size.</item>
/// <item><b>Average latency</b>, <b>p95 latency</b> (when set), <b>latency increase</b>: from <see cref="GuardRules.MinSamples"/>
/// canary requests on (the spread is estimated from the summary's percentiles, see <see cref="LatencySpread"/>, which
/// means little on a handful). The z statistic (of the mean against the limit; of ln p95 against ln limit; of the mean
/// against baseline × (1 + allowed %)) must pass Robbins' normal-mixture boundary (tightest near the floor, ≈ 4.4 there
/// and ≈ 3.6 at ten times it at 99%) instead of Φ⁻¹(confidence), so looking on every request does not add false
/// alarms. The latency increase also needs the canary's median above the baseline's median × (1 + allowed %): a few
/// slow outliers move the mean but not the median, and never fail a canary on their own.</item>
/// <item><b>Tokens per request increase</b>: from the floor on, the canary's figure is above baseline × (1 + allowed %).
/// A plain comparison: the summary has no spread of token counts; the default 50% margin is many standard errors of a
/// mean over ≥ 50 requests for any plausible token distribution.</item>
/// </list>
/// The latency and token comparisons with the baseline are skipped without a baseline or below the floor on its side.
/// Each check holds its own false-alarm rate below 1 − confidence over the whole canary; the seeded simulation tests
/// measure the whole verdict with every check judged on every request.
/// </summary>
public static class VerdictEvaluator
{
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

        if (canary.Requests == 0)
        {
            var reason = $"Insufficient data: 0 of {rules.MinSamples} required requests.";
            return new VerdictResult(VerdictOutcome.InsufficientData, reason, rules.Confidence, 0, baseline?.Requests, Waiting(canary, baseline, reason))
            {
                MinSamples = rules.MinSamples,
            };
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
        var deciding = failed.FirstOrDefault()
            ?? checks.Where(c => c.Result == CheckResult.Passed && c.Evidence is not null)
                .MaxBy(c => Math.Log(c.Evidence!.Value) / Math.Log(c.EvidenceThreshold!.Value));
        string summary;
        VerdictOutcome outcome;
        if (failed.Count > 0)
        {
            (outcome, summary) = (VerdictOutcome.Fail, "Fail: " + string.Join(" ", failed.Select(c => c.Reason)));
        }
        else if (canary.Requests < rules.MinSamples)
        {
            (outcome, summary) = (VerdictOutcome.InsufficientData, $"Insufficient data: {canary.Requests} of {rules.MinSamples} required requests for a pass; no breach shown yet.");
        }
        else
        {
            var passed = checks.Count(c => c.Result == CheckResult.Passed);
            var skipped = checks.Length - passed;
            var against = baseline is { Requests: > 0 } b ? $" against {b.Requests} baseline requests" : " (no baseline to compare with)";
            (outcome, summary) = (VerdictOutcome.Pass, $"Pass: {passed} checks passed on {canary.Requests} canary requests{against}" + (skipped > 0 ? $"; {skipped} skipped." : "."));
        }

        return new VerdictResult(outcome, summary, rules.Confidence, canary.Requests, baseline?.Requests, checks)
        {
            MinSamples = rules.MinSamples,
            DecidingMetric = deciding?.Metric,
            Evidence = deciding?.Evidence,
            EvidenceThreshold = deciding?.EvidenceThreshold,
        };
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
