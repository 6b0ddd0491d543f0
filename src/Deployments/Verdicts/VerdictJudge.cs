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
    private readonly double _z;
    private readonly double _alpha;
    private readonly string _level;

    public VerdictJudge(GuardRules rules, MetricsSummary canary, MetricsSummary? baseline)
    {
        _rules = rules;
        _canary = canary;
        _givenBaseline = baseline;
        _z = Statistics.InverseNormalCdf(rules.Confidence);
        _alpha = 1 - rules.Confidence;
        _level = Number(rules.Confidence * 100) + "%";
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

    /// <summary>The baseline when it has enough requests to compare with; otherwise null.</summary>
    public MetricsSummary? Baseline { get; }

    private long N => _canary.Requests;

    private double CanaryErrorPercent => 100.0 * _canary.Errors / N;

    public MetricCheck ErrorRate()
    {
        var rate = CanaryErrorPercent;
        var bound = 100 * Statistics.WilsonInterval(_canary.Errors, N, _z).Lower;
        var limit = _rules.MaxErrorRate;
        var (result, reason) = bound > limit
            ? (CheckResult.Failed, $"Error rate {Number(rate)}% is above the {Number(limit)}% limit at {_level} confidence (lower bound {Number(bound)}%).")
            : rate > limit
                ? (CheckResult.Passed, $"Error rate {Number(rate)}% is above the {Number(limit)}% limit, but not at {_level} confidence (lower bound {Number(bound)}%): not yet a breach.")
                : (CheckResult.Passed, $"Error rate {Number(rate)}% is within the {Number(limit)}% limit.");
        return Check(VerdictMetrics.ErrorRate, "%", rate, _givenBaseline?.ErrorRate * 100, limit,
            $"lower {_level} bound of the error rate > {Number(limit)}%", null, bound, result, reason);
    }

    public MetricCheck ErrorRateIncrease()
    {
        var allowed = _rules.MaxErrorRateIncrease;
        var comparison = $"error rate above the baseline's by Fisher's exact test (p < {Number(_alpha / VerdictEvaluator.RepeatedLooks)}), " +
                         $"and its {_level} upper bound above baseline + {Number(allowed)} points";
        var rate = CanaryErrorPercent;
        if (Baseline is not { } baseline)
        {
            return Skipped(VerdictMetrics.ErrorRateIncrease, "%", rate, _givenBaseline?.ErrorRate * 100, comparison, _noBaseline!);
        }

        var baselineRate = 100.0 * baseline.Errors / baseline.Requests;
        var increase = rate - baselineRate;
        var limit = baselineRate + allowed;
        var p = Statistics.FisherExactPValue(_canary.Errors, N, baseline.Errors, baseline.Requests);
        var upper = 100 * Statistics.NewcombeDifferenceInterval(_canary.Errors, N, baseline.Errors, baseline.Requests, _z).Upper;
        var head = $"Error rate {Number(rate)}% vs the baseline's {Number(baselineRate)}%";
        var (result, reason) = p >= _alpha / VerdictEvaluator.RepeatedLooks
            ? increase <= allowed
                ? (CheckResult.Passed, $"{head}: within {Number(allowed)} points.")
                : (CheckResult.Passed, $"{head}: {Number(increase)} points higher (allowed {Number(allowed)}), but not shown to be higher at all ({PValue(p)}): not yet a breach.")
            : upper > allowed
                ? (CheckResult.Failed, $"{head}: higher by Fisher's exact test ({PValue(p)}), and possibly by up to {Number(upper)} points (allowed {Number(allowed)}).")
                : (CheckResult.Passed, $"{head}: higher ({PValue(p)}), but by at most {Number(upper)} points at {_level} confidence, within the allowed {Number(allowed)}.");
        return Check(VerdictMetrics.ErrorRateIncrease, "%", rate, baselineRate, limit, comparison, p, baselineRate + upper, result, reason);
    }

    public MetricCheck SuccessRate()
    {
        var rate = 100.0 * (N - _canary.Errors) / N;
        if (_rules.MinSuccessRate is not { } minimum)
        {
            return Skipped(VerdictMetrics.SuccessRate, "%", rate, _givenBaseline?.SuccessRate * 100, "—", "No minimum set.");
        }

        var bound = 100 * Statistics.WilsonInterval(N - _canary.Errors, N, _z).Upper;
        var (result, reason) = bound < minimum
            ? (CheckResult.Failed, $"Success rate {Number(rate)}% is below the {Number(minimum)}% minimum at {_level} confidence (upper bound {Number(bound)}%).")
            : rate < minimum
                ? (CheckResult.Passed, $"Success rate {Number(rate)}% is below the {Number(minimum)}% minimum, but not at {_level} confidence (upper bound {Number(bound)}%): not yet a breach.")
                : (CheckResult.Passed, $"Success rate {Number(rate)}% meets the {Number(minimum)}% minimum.");
        return Check(VerdictMetrics.SuccessRate, "%", rate, _givenBaseline?.SuccessRate * 100, minimum,
            $"upper {_level} bound of the success rate < {Number(minimum)}%", null, bound, result, reason);
    }

    public MetricCheck AvgLatency()
    {
        var mean = _canary.AvgLatencyMs;
        var limit = _rules.MaxAvgLatencyMs;
        var bound = Math.Max(0, mean - (_z * LatencySpread.StandardErrorOfMean(_canary)));
        var (result, reason) = bound > limit
            ? (CheckResult.Failed, $"Average latency {Ms(mean)} is above the {Ms(limit)} limit at {_level} confidence (lower bound {Ms(bound)}).")
            : mean > limit
                ? (CheckResult.Passed, $"Average latency {Ms(mean)} is above the {Ms(limit)} limit, but not at {_level} confidence (lower bound {Ms(bound)}): not yet a breach.")
                : (CheckResult.Passed, $"Average latency {Ms(mean)} is within the {Ms(limit)} limit.");
        return Check(VerdictMetrics.AvgLatency, "ms", mean, _givenBaseline?.AvgLatencyMs, limit,
            $"lower {_level} bound of the average latency > {Ms(limit)}", null, bound, result, reason);
    }

    public MetricCheck P95Latency()
    {
        var p95 = _canary.P95LatencyMs;
        if (_rules.MaxP95LatencyMs is not { } limit)
        {
            return Skipped(VerdictMetrics.P95Latency, "ms", p95, _givenBaseline?.P95LatencyMs, "—", "No limit set.");
        }

        var comparison = $"lower {_level} bound of the p95 latency > {Ms(limit)}";
        if (LatencySpread.P95LowerBound(_canary, _z) is not { } bound)
        {
            return Skipped(VerdictMetrics.P95Latency, "ms", p95, _givenBaseline?.P95LatencyMs, comparison, "No latency percentiles to judge.");
        }

        var (result, reason) = bound > limit
            ? (CheckResult.Failed, $"p95 latency {Ms(p95)} is above the {Ms(limit)} limit at {_level} confidence (lower bound {Ms(bound)}).")
            : p95 > limit
                ? (CheckResult.Passed, $"p95 latency {Ms(p95)} is above the {Ms(limit)} limit, but not at {_level} confidence (lower bound {Ms(bound)}): not yet a breach.")
                : (CheckResult.Passed, $"p95 latency {Ms(p95)} is within the {Ms(limit)} limit.");
        return Check(VerdictMetrics.P95Latency, "ms", p95, _givenBaseline?.P95LatencyMs, limit, comparison, null, bound, result, reason);
    }

    public MetricCheck LatencyIncrease()
    {
        var allowed = _rules.MaxLatencyIncreasePercent;
        var factor = 1 + (allowed / 100);
        var comparison = $"average latency > baseline × {Number(factor)} at {_level} confidence, and median > baseline median × {Number(factor)}";
        var mean = _canary.AvgLatencyMs;
        if (Baseline is not { } baseline)
        {
            return Skipped(VerdictMetrics.LatencyIncrease, "ms", mean, _givenBaseline?.AvgLatencyMs, comparison, _noBaseline!);
        }

        if (!(baseline.AvgLatencyMs > 0))
        {
            return Skipped(VerdictMetrics.LatencyIncrease, "ms", mean, baseline.AvgLatencyMs, comparison, "The baseline records no latency.");
        }

        var limit = factor * baseline.AvgLatencyMs;
        var medianLimit = factor * baseline.P50LatencyMs;
        var excess = mean - limit;
        var standardError = Math.Sqrt(Square(LatencySpread.StandardErrorOfMean(_canary)) + Square(factor * LatencySpread.StandardErrorOfMean(baseline)));
        var p = standardError > 0 && double.IsFinite(standardError)
            ? Statistics.NormalUpperTail(excess / standardError)
            : standardError == 0 && excess > 0 ? 0 : 1;
        var head = $"Average latency {Ms(mean)} vs the baseline's {Ms(baseline.AvgLatencyMs)}";
        var (result, reason) = mean <= limit
            ? (CheckResult.Passed, $"{head}: within +{Number(allowed)}% ({Ms(limit)}).")
            : p >= _alpha
                ? (CheckResult.Passed, $"{head}: above +{Number(allowed)}% ({Ms(limit)}), but not at {_level} confidence ({PValue(p)}): not yet a breach.")
                : _canary.P50LatencyMs <= medianLimit
                    ? (CheckResult.Passed, $"{head}: above +{Number(allowed)}% ({Ms(limit)}), but the median {Ms(_canary.P50LatencyMs)} is not above {Ms(medianLimit)}: a few slow requests, not a shift.")
                    : (CheckResult.Failed, $"{head}: above +{Number(allowed)}% ({Ms(limit)}), {PValue(p)}, and the median {Ms(_canary.P50LatencyMs)} is above {Ms(medianLimit)}.");
        return Check(VerdictMetrics.LatencyIncrease, "ms", mean, baseline.AvgLatencyMs, limit, comparison, p, null, result, reason);
    }

    public MetricCheck TokensPerRequestIncrease()
    {
        var allowed = _rules.MaxTokensPerRequestIncreasePercent;
        var factor = 1 + (allowed / 100);
        var comparison = $"tokens per request > baseline × {Number(factor)}";
        var tokens = _canary.TokensPerRequest;
        if (Baseline is not { } baseline)
        {
            return Skipped(VerdictMetrics.TokensPerRequestIncrease, "tokens", tokens, _givenBaseline?.TokensPerRequest, comparison, _noBaseline!);
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
        return Check(VerdictMetrics.TokensPerRequestIncrease, "tokens", tokens, baseline.TokensPerRequest, limit, comparison, null, null, result, reason);
    }

    private MetricCheck Check(string metric, string unit, double value, double? baselineValue, double threshold, string comparison, double? p, double? bound, CheckResult result, string reason) =>
        new(metric, unit, value, baselineValue, threshold, comparison, N, _givenBaseline?.Requests, p, bound, result, reason);

    private MetricCheck Skipped(string metric, string unit, double value, double? baselineValue, string comparison, string reason) =>
        new(metric, unit, value, baselineValue, null, comparison, N, _givenBaseline?.Requests, null, null, CheckResult.Skipped, reason);

    private static double Square(double x) => x * x;

    private static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0.#" : "0.##", CultureInfo.InvariantCulture);

    private static string Ms(double value) => Number(value) + " ms";

    private static string PValue(double p) => p < 0.0001 ? "p < 0.0001" : "p = " + p.ToString("0.####", CultureInfo.InvariantCulture);
}
