using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>Each guard rule's verdict on hand-made summaries: when it fails, when it is only noise, when it is skipped.</summary>
public sealed class VerdictEvaluatorTests
{
    private static readonly GuardRules Rules = new();

    /// <summary>A summary with healthy defaults: 150 ms average, log-normal-like percentiles, 500 tokens per request.</summary>
    internal static MetricsSummary Summary(
        long requests,
        long errors,
        double avg = 150,
        double p50 = 140,
        double p95 = 300,
        double p99 = 400,
        double max = 600,
        double tokensPerRequest = 500,
        string version = "2.0.0") =>
        new("production", "support-chat", version, 60, requests, errors,
            requests == 0 ? 0 : (double)errors / requests,
            requests == 0 ? 0 : (double)(requests - errors) / requests,
            avg, p50, p95, p99, max,
            (long)(tokensPerRequest * requests * 0.7), (long)(tokensPerRequest * requests * 0.3), tokensPerRequest);

    private static MetricsSummary Baseline(long requests = 1800, long errors = 36) => Summary(requests, errors, version: "1.0.0");

    private static MetricCheck Check(VerdictResult verdict, string metric) => Assert.Single(verdict.Checks, c => c.Metric == metric);

    [Fact]
    public void A_canary_failing_every_request_fails_on_its_third_long_before_the_pass_floor()
    {
        var two = VerdictEvaluator.Evaluate(Rules, Summary(2, 2), Baseline(18, 0));
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(3, 3), Baseline(27, 0));

        Assert.Equal(VerdictOutcome.InsufficientData, two.Outcome);
        Assert.Equal(VerdictOutcome.Fail, verdict.Outcome);
        var check = Check(verdict, VerdictMetrics.ErrorRate);
        Assert.Equal(CheckResult.Failed, check.Result);
        Assert.Equal(312.5, check.Evidence!.Value, 1e-9);
        Assert.Equal(100, check.EvidenceThreshold);
        Assert.Equal((VerdictMetrics.ErrorRate, 312.5, 100.0, 50), (verdict.DecidingMetric, Math.Round(verdict.Evidence!.Value, 9), verdict.EvidenceThreshold!.Value, verdict.MinSamples));
        Assert.StartsWith("Fail: Error rate 100% is above the 10% limit: evidence 312.5 reached the 100 needed", verdict.Summary, StringComparison.Ordinal);
        Assert.All(new[] { VerdictMetrics.AvgLatency, VerdictMetrics.LatencyIncrease, VerdictMetrics.TokensPerRequestIncrease }, metric =>
            Assert.Equal("Judged from 50 canary requests (3 so far): the spread is estimated from the summary's percentiles.", Check(verdict, metric).Reason));
    }

    [Fact]
    public void Below_the_pass_floor_without_a_breach_it_is_insufficient_data_with_the_evidence_so_far()
    {
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(20, 1), Baseline(180, 2));

        Assert.Equal(VerdictOutcome.InsufficientData, verdict.Outcome);
        Assert.Equal("Insufficient data: 20 of 50 required requests for a pass; no breach shown yet.", verdict.Summary);
        var errors = Check(verdict, VerdictMetrics.ErrorRate);
        Assert.Equal(CheckResult.Passed, errors.Result);
        Assert.Equal(0.23797082787326593, errors.Evidence!.Value, 1e-12);
        Assert.Equal(CheckResult.Passed, Check(verdict, VerdictMetrics.ErrorRateIncrease).Result);
        Assert.Equal(CheckResult.Skipped, Check(verdict, VerdictMetrics.AvgLatency).Result);
        Assert.Equal(50, verdict.MinSamples);
        Assert.Equal(VerdictMetrics.ErrorRate, verdict.DecidingMetric);
        Assert.Equal(errors.Evidence, verdict.Evidence);
        Assert.Equal(100, verdict.EvidenceThreshold);
    }

    [Fact]
    public void No_traffic_at_all_is_insufficient_data()
    {
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(0, 0, 0, 0, 0, 0, 0, 0), null);

        Assert.Equal(VerdictOutcome.InsufficientData, verdict.Outcome);
        Assert.Equal("Insufficient data: 0 of 50 required requests.", verdict.Summary);
        Assert.All(verdict.Checks, c => Assert.Equal(CheckResult.Skipped, c.Result));
        Assert.Equal(50, verdict.MinSamples);
        Assert.Null(verdict.DecidingMetric);
    }

    [Fact]
    public void Half_the_requests_failing_against_a_healthy_baseline_fails_with_its_evidence()
    {
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(200, 100), Baseline(1800, 18));

        Assert.Equal(VerdictOutcome.Fail, verdict.Outcome);
        var absolute = Check(verdict, VerdictMetrics.ErrorRate);
        Assert.Equal(CheckResult.Failed, absolute.Result);
        Assert.Equal(50, absolute.CanaryValue);
        Assert.Equal(1, absolute.BaselineValue!.Value, 10);
        Assert.Equal(10, absolute.Threshold);
        Assert.Equal(36.58, absolute.Bound!.Value, 0.01);
        Assert.Equal(SequentialTests.MaxEvidence, absolute.Evidence);
        Assert.Equal(200, absolute.CanarySamples);
        Assert.Equal(1800, absolute.BaselineSamples);
        var relative = Check(verdict, VerdictMetrics.ErrorRateIncrease);
        Assert.Equal(CheckResult.Failed, relative.Result);
        Assert.Equal(6, relative.Threshold!.Value, 10);
        Assert.Equal(1 / SequentialTests.MaxEvidence, relative.PValue);
        Assert.StartsWith("Fail: Error rate 50% is above the 10% limit: evidence 1e+12 reached the 100 needed (always-valid 99% lower bound 36.58%).", verdict.Summary, StringComparison.Ordinal);
        Assert.Contains("Error rate 50% vs the baseline's 1%: higher (evidence 1e+12 reached the 100 needed), and possibly by up to", verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Identical_healthy_figures_pass_and_say_what_was_skipped()
    {
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(1000, 20), Summary(9000, 180, version: "1.0.0"));

        Assert.Equal(VerdictOutcome.Pass, verdict.Outcome);
        Assert.Equal("Pass: 5 checks passed on 1000 canary requests against 9000 baseline requests; 2 skipped.", verdict.Summary);
        Assert.Equal(
            [VerdictMetrics.ErrorRate, VerdictMetrics.ErrorRateIncrease, VerdictMetrics.SuccessRate, VerdictMetrics.AvgLatency,
             VerdictMetrics.P95Latency, VerdictMetrics.LatencyIncrease, VerdictMetrics.TokensPerRequestIncrease],
            verdict.Checks.Select(c => c.Metric));
        Assert.Equal("No minimum set.", Check(verdict, VerdictMetrics.SuccessRate).Reason);
        Assert.Equal("No limit set.", Check(verdict, VerdictMetrics.P95Latency).Reason);
        var increase = Check(verdict, VerdictMetrics.ErrorRateIncrease);
        Assert.Equal(1, increase.PValue);
        Assert.InRange(increase.Evidence!.Value, 0, 1);
    }

    [Fact]
    public void Without_a_baseline_the_relative_checks_are_skipped_and_the_absolute_ones_still_decide()
    {
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(200, 2), null);

        Assert.Equal(VerdictOutcome.Pass, verdict.Outcome);
        Assert.Equal("Pass: 2 checks passed on 200 canary requests (no baseline to compare with); 5 skipped.", verdict.Summary);
        foreach (var metric in new[] { VerdictMetrics.ErrorRateIncrease, VerdictMetrics.LatencyIncrease, VerdictMetrics.TokensPerRequestIncrease })
        {
            var check = Check(verdict, metric);
            Assert.Equal(CheckResult.Skipped, check.Result);
            Assert.Equal("No baseline to compare with.", check.Reason);
            Assert.Null(check.BaselineValue);
            Assert.Null(check.BaselineSamples);
        }

        Assert.Equal(VerdictOutcome.Fail, VerdictEvaluator.Evaluate(Rules, Summary(200, 100), null).Outcome);
    }

    [Fact]
    public void A_baseline_below_the_floor_is_compared_on_errors_only()
    {
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(200, 10), Baseline(20, 0));

        // Its always-valid bounds are valid at any size (and wide on 20 requests); latency and tokens need the floor.
        var errors = Check(verdict, VerdictMetrics.ErrorRateIncrease);
        Assert.Equal(CheckResult.Passed, errors.Result);
        Assert.Equal(0.018692151945305133, errors.Evidence!.Value, 1e-12);
        var latency = Check(verdict, VerdictMetrics.LatencyIncrease);
        Assert.Equal(CheckResult.Skipped, latency.Result);
        Assert.Equal("The baseline has 20 of 50 required requests.", latency.Reason);
        Assert.Equal(20, latency.BaselineSamples);
        Assert.Equal(VerdictOutcome.Pass, verdict.Outcome);
        Assert.Equal("Pass: 3 checks passed on 200 canary requests against 20 baseline requests; 4 skipped.", verdict.Summary);
    }

    [Fact]
    public void An_error_rate_just_over_the_limit_on_few_requests_is_noise_not_a_breach()
    {
        // 7 of 50 = 14%: above the 10% limit, but the evidence is 0.17 of the 100 needed; the always-valid lower bound is 2.4%.
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(50, 7), null);

        var check = Check(verdict, VerdictMetrics.ErrorRate);
        Assert.Equal(CheckResult.Passed, check.Result);
        Assert.Equal(2.44, check.Bound!.Value, 0.01);
        Assert.Equal(0.167, check.Evidence!.Value, 0.001);
        Assert.EndsWith("not yet a breach.", check.Reason, StringComparison.Ordinal);
        Assert.Equal(VerdictOutcome.Pass, verdict.Outcome);
    }

    [Fact]
    public void An_error_increase_above_the_allowance_fails_only_once_the_evidence_reaches_one_over_alpha()
    {
        // 10 of 50 (20%) vs 2%: evidence 471 of the 100 needed, and the increase may be far above 5 points → fail.
        var clear = VerdictEvaluator.Evaluate(Rules, Summary(50, 10), Baseline(450, 9));
        // 8 of 50 (16%) vs 2%: 14 points over, but the evidence is 13.7 — a one-off p of 1e-5 is not enough for a
        // check watched on every request → not yet.
        var noisy = VerdictEvaluator.Evaluate(Rules, Summary(50, 8), Baseline(450, 9));

        var failed = Check(clear, VerdictMetrics.ErrorRateIncrease);
        Assert.Equal(CheckResult.Failed, failed.Result);
        Assert.True(failed.Bound > failed.Threshold);
        Assert.Equal(VerdictOutcome.Fail, clear.Outcome);
        var notYet = Check(noisy, VerdictMetrics.ErrorRateIncrease);
        Assert.Equal(CheckResult.Passed, notYet.Result);
        Assert.Equal(13.671282191315509, notYet.Evidence!.Value, 1e-9);
        Assert.Equal(1 / 13.671282191315509, notYet.PValue!.Value, 1e-12);
        Assert.Equal(471.45942404670325, failed.Evidence!.Value, 1e-9);
        Assert.EndsWith("not yet a breach.", notYet.Reason, StringComparison.Ordinal);
        Assert.Equal(VerdictOutcome.Pass, noisy.Outcome);
    }

    [Fact]
    public void A_significant_but_small_error_increase_passes()
    {
        // 4% vs 2% on many requests is significant, yet within the 5-point allowance.
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(10_000, 400), Baseline(90_000, 1800));

        var check = Check(verdict, VerdictMetrics.ErrorRateIncrease);
        Assert.True(check.PValue < 1e-10);
        Assert.Equal(CheckResult.Passed, check.Result);
        Assert.Equal(2 + 3.158, check.Bound!.Value, 0.001);
        Assert.Equal(VerdictOutcome.Pass, verdict.Outcome);
    }

    [Fact]
    public void Average_latency_above_the_limit_with_support_fails()
    {
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(500, 0, avg: 2600, p50: 2400, p95: 3500, p99: 4200, max: 5000), null);

        var check = Check(verdict, VerdictMetrics.AvgLatency);
        Assert.Equal(CheckResult.Failed, check.Result);
        Assert.InRange(check.Bound!.Value, 2000, 2600);
        Assert.Equal(VerdictOutcome.Fail, verdict.Outcome);
    }

    [Fact]
    public void Average_latency_pushed_over_the_limit_by_one_timeout_is_not_a_breach()
    {
        // 50 requests at ~100 ms and one of 120 s: the mean is 2.45 s, but nothing says the next 50 will be slow.
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(50, 0, avg: 2450, p50: 100, p95: 130, p99: 120_000, max: 120_000), null);

        var check = Check(verdict, VerdictMetrics.AvgLatency);
        Assert.Equal(CheckResult.Passed, check.Result);
        Assert.EndsWith("not yet a breach.", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_latency_shift_against_the_baseline_fails_with_a_p_value()
    {
        var canary = Summary(300, 0, avg: 300, p50: 280, p95: 600, p99: 800, max: 1200);

        var verdict = VerdictEvaluator.Evaluate(Rules, canary, Baseline());

        var check = Check(verdict, VerdictMetrics.LatencyIncrease);
        Assert.Equal(CheckResult.Failed, check.Result);
        Assert.Equal(225, check.Threshold);
        Assert.Equal(150, check.BaselineValue);
        Assert.True(check.PValue < 0.01);
        Assert.Equal(VerdictOutcome.Fail, verdict.Outcome);
    }

    [Fact]
    public void A_higher_mean_from_a_few_slow_requests_without_a_median_shift_passes()
    {
        var canary = Summary(5000, 0, avg: 260, p50: 140, p95: 310, p99: 2000, max: 9000);

        var check = Check(VerdictEvaluator.Evaluate(Rules, canary, Baseline()), VerdictMetrics.LatencyIncrease);

        Assert.Equal(CheckResult.Passed, check.Result);
        Assert.True(check.PValue < 0.01);
        Assert.EndsWith("a few slow requests, not a shift.", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void P95_limit_is_checked_on_the_p95_when_set()
    {
        var rules = Rules with { MaxP95LatencyMs = 500 };

        var slow = VerdictEvaluator.Evaluate(rules, Summary(400, 0, avg: 400, p50: 350, p95: 900, p99: 1100, max: 1500), null);
        var borderline = VerdictEvaluator.Evaluate(rules, Summary(60, 0, avg: 200, p50: 150, p95: 520, p99: 700, max: 900), null);

        Assert.Equal(CheckResult.Failed, Check(slow, VerdictMetrics.P95Latency).Result);
        Assert.InRange(Check(slow, VerdictMetrics.P95Latency).Bound!.Value, 500, 900);
        Assert.Equal(CheckResult.Passed, Check(borderline, VerdictMetrics.P95Latency).Result);
    }

    [Fact]
    public void A_success_rate_minimum_fails_on_the_upper_bound()
    {
        var rules = Rules with { MinSuccessRate = 99, MaxErrorRate = 50 };

        var low = Check(VerdictEvaluator.Evaluate(rules, Summary(1000, 50), null), VerdictMetrics.SuccessRate);
        var close = Check(VerdictEvaluator.Evaluate(rules, Summary(100, 2), null), VerdictMetrics.SuccessRate);

        Assert.Equal(CheckResult.Failed, low.Result);
        Assert.Equal(95, low.CanaryValue);
        Assert.InRange(low.Bound!.Value, 95, 99);
        Assert.Equal(CheckResult.Passed, close.Result);
    }

    [Fact]
    public void More_tokens_per_request_than_allowed_fails()
    {
        var verdict = VerdictEvaluator.Evaluate(Rules, Summary(200, 0, tokensPerRequest: 900), Baseline());

        var check = Check(verdict, VerdictMetrics.TokensPerRequestIncrease);
        Assert.Equal(CheckResult.Failed, check.Result);
        Assert.Equal(750, check.Threshold);
        Assert.Equal("900 tokens per request vs the baseline's 500: more than +50% (750).", check.Reason);
        Assert.Equal(CheckResult.Passed, Check(VerdictEvaluator.Evaluate(Rules, Summary(200, 0, tokensPerRequest: 700), Baseline()), VerdictMetrics.TokensPerRequestIncrease).Result);
    }

    [Fact]
    public void Invalid_rules_and_inconsistent_figures_are_refused()
    {
        Assert.Throws<ValidationFailedException>(() => VerdictEvaluator.Evaluate(Rules with { Confidence = 1 }, Summary(100, 0), null));
        Assert.Throws<ArgumentException>(() => VerdictEvaluator.Evaluate(Rules, Summary(100, 101), null));
        Assert.Throws<ArgumentException>(() => VerdictEvaluator.Evaluate(Rules, Summary(100, 0, avg: double.NaN), null));
    }

    [Fact]
    public void The_same_inputs_give_the_same_verdict()
    {
        var canary = Summary(300, 12, avg: 180, p50: 160);

        Assert.Equal(
            VerdictEvaluator.Evaluate(Rules, canary, Baseline()).Checks,
            VerdictEvaluator.Evaluate(Rules, canary, Baseline()).Checks);
    }
}
