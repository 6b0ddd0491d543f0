using System.Globalization;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Deployments.Verdicts;

/// <summary>One evaluation's inputs and the per-check judgements; the method of each check is described on <see cref="VerdictEvaluator"/>.</summary>
internal sealed class VerdictJudge
{
    private readonly GuardRules _rules;
    private readonly MetricsSummary _canary;
    private readonly MetricsSummary? _givenBaseline;
    private readonly string? _noBaseline;
    private readonly string? _belowFloor;
    private readonly double _alpha;
    private readonly double _threshold;
    private readonly string _level;

    public VerdictJudge(GuardRules rules, MetricsSummary canary, MetricsSummary? baseline)
    {
        _rules = rules;
        _canary = canary;
        _givenBaseline = baseline;
        // 1 / (1 − 0.99) is 99.99999999999991 in binary; the threshold shown and compared is the round 100.
        _threshold = Math.Round(1 / (1 - rules.Confidence), 6);
        _alpha = 1 / _threshold;
        _level = Number(rules.Confidence * 100) + "%";
        if (canary.Requests < rules.MinSamples)
        {
            _belowFloor = $"Judged from {rules.MinSamples} canary requests ({canary.Requests} so far): the spread is estimated from the summary's percentiles.";
        }

        if (baseline is null)
        {
            _noBaseline = "No baseline to compare with.";
        }
        else if (baseline.Requests < rules.MinSamples)
        {
            _noBaseline = $"The baseline has {baseline.Requests} of {rules.MinSamples} required requests.";
        }
        else
        {
            Baseline = baseline;
        }
    }

    /// <summary>The baseline when it has enough requests for the latency and token comparisons; otherwise null.</summary>
    public MetricsSummary? Baseline { get; }

    private long N => _canary.Requests;

    private double CanaryErrorPercent => 100.0 * _canary.Errors / N;

    private string Needed => $"the {Number(_threshold)} needed";

    public MetricCheck ErrorRate()
    {
        var rate = CanaryErrorPercent;
        var limit = _rules.MaxErrorRate;
        var evidence = SequentialTests.RateAbove(_canary.Errors, N, limit / 100);
        var bound = 100 * SequentialTests.RateBounds(_canary.Errors, N, _alpha).Lower;
        var (result, reason) = evidence >= _threshold
            ? (CheckResult.Failed, $"Error rate {Number(rate)}% is above the {Number(limit)}% limit: evidence {Evidence(evidence)} reached {Needed} (always-valid {_level} lower bound {Number(bound)}%).")
            : rate > limit
                ? (CheckResult.Passed, $"Error rate {Number(rate)}% is above the {Number(limit)}% limit, but the evidence {Evidence(evidence)} has not reached {Needed} (lower bound {Number(bound)}%): not yet a breach.")
                : (CheckResult.Passed, $"Error rate {Number(rate)}% is within the {Number(limit)}% limit.");
        return Check(VerdictMetrics.ErrorRate, "%", rate, _givenBaseline?.ErrorRate * 100, limit,
            $"evidence that the error rate is above {Number(limit)}% ≥ {Number(_threshold)} (always-valid lower {_level} bound > {Number(limit)}%)", null, bound, result, reason, evidence);
    }

    public MetricCheck ErrorRateIncrease()
    {
        var allowed = _rules.MaxErrorRateIncrease;
        var comparison = $"evidence that the error rate is above the baseline's ≥ {Number(_threshold)}, " +
                         $"and its always-valid {_level} upper bound above baseline + {Number(allowed)} points";
        var rate = CanaryErrorPercent;
        if (_givenBaseline is not { Requests: > 0 } baseline)
        {
            return Skipped(VerdictMetrics.ErrorRateIncrease, "%", rate, _givenBaseline?.ErrorRate * 100, comparison,
                _givenBaseline is null ? _noBaseline! : "The baseline has no requests yet.");
        }

        var baselineRate = 100.0 * baseline.Errors / baseline.Requests;
        var increase = rate - baselineRate;
        var evidence = SequentialTests.RateIncrease(_canary.Errors, N, baseline.Errors, baseline.Requests);
        var p = Math.Min(1, 1 / evidence);
        // "Not shown to be within the allowance": the canary's upper bound less the baseline's lower one, α/2 each.
        var upper = 100 * (SequentialTests.RateBounds(_canary.Errors, N, _alpha / 2).Upper - SequentialTests.RateBounds(baseline.Errors, baseline.Requests, _alpha / 2).Lower);
        var head = $"Error rate {Number(rate)}% vs the baseline's {Number(baselineRate)}%";
        var (result, reason) = evidence < _threshold
            ? increase <= allowed
                ? (CheckResult.Passed, $"{head}: within {Number(allowed)} points.")
                : (CheckResult.Passed, $"{head}: {Number(increase)} points higher (allowed {Number(allowed)}), but the evidence that it is higher at all, {Evidence(evidence)}, has not reached {Needed}: not yet a breach.")
            : upper > allowed
                ? (CheckResult.Failed, $"{head}: higher (evidence {Evidence(evidence)} reached {Needed}), and possibly by up to {Number(upper)} points (allowed {Number(allowed)}).")
                : (CheckResult.Passed, $"{head}: higher (evidence {Evidence(evidence)}), but by at most {Number(upper)} points, within the allowed {Number(allowed)}.");
        return Check(VerdictMetrics.ErrorRateIncrease, "%", rate, baselineRate, baselineRate + allowed, comparison, p, baselineRate + upper, result, reason, evidence);
    }

    public MetricCheck SuccessRate()
    {
        var rate = 100.0 * (N - _canary.Errors) / N;
        if (_rules.MinSuccessRate is not { } minimum)
        {
            return Skipped(VerdictMetrics.SuccessRate, "%", rate, _givenBaseline?.SuccessRate * 100, "—", "No minimum set.");
        }

        // Success below the minimum ⟺ errors above 100 − minimum: the same always-valid test as the error rate.
        var evidence = SequentialTests.RateAbove(_canary.Errors, N, 1 - (minimum / 100));
        var bound = 100 * (1 - SequentialTests.RateBounds(_canary.Errors, N, _alpha).Lower);
        var (result, reason) = evidence >= _threshold
            ? (CheckResult.Failed, $"Success rate {Number(rate)}% is below the {Number(minimum)}% minimum: evidence {Evidence(evidence)} reached {Needed} (always-valid {_level} upper bound {Number(bound)}%).")
            : rate < minimum
                ? (CheckResult.Passed, $"Success rate {Number(rate)}% is below the {Number(minimum)}% minimum, but the evidence {Evidence(evidence)} has not reached {Needed} (upper bound {Number(bound)}%): not yet a breach.")
                : (CheckResult.Passed, $"Success rate {Number(rate)}% meets the {Number(minimum)}% minimum.");
        return Check(VerdictMetrics.SuccessRate, "%", rate, _givenBaseline?.SuccessRate * 100, minimum,
            $"evidence that the success rate is below {Number(minimum)}% ≥ {Number(_threshold)} (always-valid upper {_level} bound < {Number(minimum)}%)", null, bound, result, reason, evidence);
    }

    public MetricCheck AvgLatency()
    {
        var mean = _canary.AvgLatencyMs;
        var limit = _rules.MaxAvgLatencyMs;
        var comparison = $"lower always-valid {_level} bound of the average latency > {Ms(limit)}";
        if (_belowFloor is not null)
        {
            return Skipped(VerdictMetrics.AvgLatency, "ms", mean, _givenBaseline?.AvgLatencyMs, comparison, _belowFloor);
        }

        var standardError = LatencySpread.StandardErrorOfMean(_canary);
        var bound = Math.Max(0, mean - (Boundary * standardError));
        var evidence = SequentialTests.MeanShift(ZScore(mean - limit, standardError), N, _rules.MinSamples);
        var (result, reason) = evidence >= _threshold
            ? (CheckResult.Failed, $"Average latency {Ms(mean)} is above the {Ms(limit)} limit at {_level} confidence (lower bound {Ms(bound)}).")
            : mean > limit
                ? (CheckResult.Passed, $"Average latency {Ms(mean)} is above the {Ms(limit)} limit, but not at {_level} confidence (lower bound {Ms(bound)}): not yet a breach.")
                : (CheckResult.Passed, $"Average latency {Ms(mean)} is within the {Ms(limit)} limit.");
        return Check(VerdictMetrics.AvgLatency, "ms", mean, _givenBaseline?.AvgLatencyMs, limit, comparison, null, bound, result, reason, evidence);
    }

    public MetricCheck P95Latency()
    {
        var p95 = _canary.P95LatencyMs;
        if (_rules.MaxP95LatencyMs is not { } limit)
        {
            return Skipped(VerdictMetrics.P95Latency, "ms", p95, _givenBaseline?.P95LatencyMs, "—", "No limit set.");
        }

        var comparison = $"lower always-valid {_level} bound of the p95 latency > {Ms(limit)}";
        if (_belowFloor is not null || LatencySpread.P95LogStandardError(_canary) is not { } logError)
        {
            return Skipped(VerdictMetrics.P95Latency, "ms", p95, _givenBaseline?.P95LatencyMs, comparison, _belowFloor ?? "No latency percentiles to judge.");
        }

        var cautious = LatencySpread.CautiousP95(_canary);
        var bound = cautious * Math.Exp(-Boundary * logError);
        var evidence = SequentialTests.MeanShift(ZScore(Math.Log(cautious / limit), logError), N, _rules.MinSamples);
        var (result, reason) = evidence >= _threshold
            ? (CheckResult.Failed, $"p95 latency {Ms(p95)} is above the {Ms(limit)} limit at {_level} confidence (lower bound {Ms(bound)}).")
            : p95 > limit
                ? (CheckResult.Passed, $"p95 latency {Ms(p95)} is above the {Ms(limit)} limit, but not at {_level} confidence (lower bound {Ms(bound)}): not yet a breach.")
                : (CheckResult.Passed, $"p95 latency {Ms(p95)} is within the {Ms(limit)} limit.");
        return Check(VerdictMetrics.P95Latency, "ms", p95, _givenBaseline?.P95LatencyMs, limit, comparison, null, bound, result, reason, evidence);
    }

    public MetricCheck LatencyIncrease()
    {
        var allowed = _rules.MaxLatencyIncreasePercent;
        var factor = 1 + (allowed / 100);
        var comparison = $"average latency > baseline × {Number(factor)} at always-valid {_level} confidence, and median > baseline median × {Number(factor)}";
        var mean = _canary.AvgLatencyMs;
        if (Baseline is not { } baseline || _belowFloor is not null)
        {
            return Skipped(VerdictMetrics.LatencyIncrease, "ms", mean, _givenBaseline?.AvgLatencyMs, comparison, _belowFloor ?? _noBaseline!);
        }

        if (!(baseline.AvgLatencyMs > 0))
        {
            return Skipped(VerdictMetrics.LatencyIncrease, "ms", mean, baseline.AvgLatencyMs, comparison, "The baseline records no latency.");
        }

        var limit = factor * baseline.AvgLatencyMs;
        var medianLimit = factor * baseline.P50LatencyMs;
        var standardError = Math.Sqrt(Square(LatencySpread.StandardErrorOfMean(_canary)) + Square(factor * LatencySpread.StandardErrorOfMean(baseline)));
        var evidence = SequentialTests.MeanShift(ZScore(mean - limit, standardError), N, _rules.MinSamples);
        var p = Math.Min(1, 1 / evidence);
        var head = $"Average latency {Ms(mean)} vs the baseline's {Ms(baseline.AvgLatencyMs)}";
        var (result, reason) = mean <= limit
            ? (CheckResult.Passed, $"{head}: within +{Number(allowed)}% ({Ms(limit)}).")
            : evidence < _threshold
                ? (CheckResult.Passed, $"{head}: above +{Number(allowed)}% ({Ms(limit)}), but not at {_level} confidence ({PValue(p)}): not yet a breach.")
                : _canary.P50LatencyMs <= medianLimit
                    ? (CheckResult.Passed, $"{head}: above +{Number(allowed)}% ({Ms(limit)}), but the median {Ms(_canary.P50LatencyMs)} is not above {Ms(medianLimit)}: a few slow requests, not a shift.")
                    : (CheckResult.Failed, $"{head}: above +{Number(allowed)}% ({Ms(limit)}), {PValue(p)}, and the median {Ms(_canary.P50LatencyMs)} is above {Ms(medianLimit)}.");
        return Check(VerdictMetrics.LatencyIncrease, "ms", mean, baseline.AvgLatencyMs, limit, comparison, p, null, result, reason, evidence);
    }

    public MetricCheck TokensPerRequestIncrease()
    {
        var allowed = _rules.MaxTokensPerRequestIncreasePercent;
        var factor = 1 + (allowed / 100);
        var comparison = $"tokens per request > baseline × {Number(factor)}";
        var tokens = _canary.TokensPerRequest;
        if (Baseline is not { } baseline || _belowFloor is not null)
        {
            return Skipped(VerdictMetrics.TokensPerRequestIncrease, "tokens", tokens, _givenBaseline?.TokensPerRequest, comparison, _belowFloor ?? _noBaseline!);
        }

        if (!(baseline.TokensPerRequest > 0))
        {
            return Skipped(VerdictMetrics.TokensPerRequestIncrease, "tokens", tokens, baseline.TokensPerRequest, comparison, "The baseline records no tokens.");
        }

        var limit = factor * baseline.TokensPerRequest;
        var head = $"{Number(tokens)} tokens per request vs the baseline's {Number(baseline.TokensPerRequest)}";
        var (result, reason) = tokens > limit
            ? (CheckResult.Failed, $"{head}: more than +{Number(allowed)}% ({Number(limit)}).")
            : (CheckResult.Passed, $"{head}: within +{Number(allowed)}% ({Number(limit)}).");
        return Check(VerdictMetrics.TokensPerRequestIncrease, "tokens", tokens, baseline.TokensPerRequest, limit, comparison, null, null, result, reason, null);
    }

    /// <summary>The z a latency figure must pass now: the normal-mixture boundary, wider than Φ⁻¹(confidence) because it holds for every look.</summary>
    private double Boundary => SequentialTests.MeanShiftBoundary(N, _rules.MinSamples, _alpha);

    private MetricCheck Check(string metric, string unit, double value, double? baselineValue, double threshold, string comparison, double? p, double? bound, CheckResult result, string reason, double? evidence) =>
        new(metric, unit, value, baselineValue, threshold, comparison, N, _givenBaseline?.Requests, p, bound, result, reason)
        {
            Evidence = evidence,
            EvidenceThreshold = evidence is null ? null : _threshold,
        };

    private MetricCheck Skipped(string metric, string unit, double value, double? baselineValue, string comparison, string reason) =>
        new(metric, unit, value, baselineValue, null, comparison, N, _givenBaseline?.Requests, null, null, CheckResult.Skipped, reason);

    /// <summary>excess / standard error, with a zero error meaning certainty either way rather than 0/0.</summary>
    private static double ZScore(double excess, double standardError) =>
        standardError > 0 ? excess / standardError : excess > 0 ? double.PositiveInfinity : excess < 0 ? double.NegativeInfinity : 0;

    private static double Square(double x) => x * x;

    /// <summary>Two decimals (one from 100 up), no trailing zeros; rounding first is several times cheaper than a custom format, and verdicts are formed on every arriving request.</summary>
    private static string Number(double value) =>
        (Math.Round(value, Math.Abs(value) >= 100 ? 1 : 2, MidpointRounding.AwayFromZero) + 0.0).ToString(CultureInfo.InvariantCulture);

    private static string Evidence(double value) => value >= 1e5 ? value.ToString("0.#e+0", CultureInfo.InvariantCulture) : Number(value);

    private static string Ms(double value) => Number(value) + " ms";

    private static string PValue(double p) => p < 0.0001 ? "p < 0.0001" : "p = " + p.ToString("0.####", CultureInfo.InvariantCulture);
}
