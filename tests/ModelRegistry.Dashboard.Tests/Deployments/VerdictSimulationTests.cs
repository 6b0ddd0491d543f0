using System.Globalization;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// Issue 4, part 9: the verdict method on seeded simulated canaries, evaluated as the orchestrator would — every few
/// canary requests (2 for the A/A runs: a pass every 0.2 s when the canary gets 10 requests/s, as with judging on
/// arrival; 10 for the bad canary), with the baseline taking nine times the canary's traffic (a 10% step). Healthy: 2% errors, log-normal latency around 150 ms (σ = 0.5), ~500 tokens per request.
/// </summary>
public sealed class VerdictSimulationTests(ITestOutputHelper output)
{
    private const int Runs = 1000;
    private const int AaStep = 2;
    private const int Step = 10;
    private const int BaselineFactor = 9;
    private const int MaxCanaryRequests = 500;

    private static readonly GuardRules Rules = new();
    private static readonly TrafficModel Healthy = new(ErrorRate: 0.02);

    [Fact]
    public void A_thousand_identical_canaries_give_at_most_one_percent_false_rollbacks()
    {
        var random = new Random(20261126);
        var falseFails = new List<string>();
        var passes = 0;

        for (var run = 0; run < Runs; run++)
        {
            var (canary, baseline) = (new SimulatedSeries("2.0.0"), new SimulatedSeries("1.0.0"));
            VerdictResult? last = null;
            for (var n = AaStep; n <= MaxCanaryRequests; n += AaStep)
            {
                Healthy.Serve(random, canary, AaStep);
                Healthy.Serve(random, baseline, AaStep * BaselineFactor);
                last = VerdictEvaluator.Evaluate(Rules, canary.Summary(), baseline.Summary());
                if (n < Rules.MinSamples)
                {
                    Assert.Equal(VerdictOutcome.InsufficientData, last.Outcome);
                }

                if (last.Outcome == VerdictOutcome.Fail)
                {
                    falseFails.Add($"run {run} at {n}: {last.Summary}");
                    break;
                }
            }

            passes += last!.Outcome == VerdictOutcome.Pass ? 1 : 0;
        }

        output.WriteLine($"A/A: {falseFails.Count} of {Runs} canaries falsely failed ({Percent(falseFails.Count, Runs)}), evaluated every {AaStep} requests up to {MaxCanaryRequests}; {passes} passed at the end.");
        falseFails.ForEach(output.WriteLine);
        Assert.True(falseFails.Count <= Runs / 100, $"{falseFails.Count} false fails:\n" + string.Join("\n", falseFails));
        Assert.Equal(Runs - falseFails.Count, passes);
    }

    [Fact]
    public void A_canary_with_five_times_the_baseline_error_rate_fails_within_200_requests()
    {
        var random = new Random(4);
        var bad = Healthy with { ErrorRate = 0.10 };
        var requestsToFail = new List<int>();
        var neverFailed = 0;

        for (var run = 0; run < Runs; run++)
        {
            var (canary, baseline) = (new SimulatedSeries("2.0.0"), new SimulatedSeries("1.0.0"));
            var failedAt = 0;
            for (var n = Step; n <= MaxCanaryRequests && failedAt == 0; n += Step)
            {
                bad.Serve(random, canary, Step);
                Healthy.Serve(random, baseline, Step * BaselineFactor);
                var verdict = VerdictEvaluator.Evaluate(Rules, canary.Summary(), baseline.Summary());
                failedAt = verdict.Outcome == VerdictOutcome.Fail ? n : 0;
            }

            if (failedAt == 0)
            {
                neverFailed++;
            }
            else
            {
                requestsToFail.Add(failedAt);
            }
        }

        requestsToFail.Sort();
        var within200 = requestsToFail.Count(n => n <= 200);
        var median = requestsToFail.Count == 0 ? 0 : requestsToFail[requestsToFail.Count / 2];
        output.WriteLine(
            $"5× (10% vs 2%): {Percent(within200, Runs)} failed within 200 canary requests; median {median}, " +
            $"p95 {requestsToFail[(int)(requestsToFail.Count * 0.95)]}, worst {requestsToFail[^1]}; {neverFailed} not failed by {MaxCanaryRequests}.");
        // Not 100%: a 10% canary that happens to show ~5% errors over 200 requests looks like noise at the level the A/A
        // bar needs. That is 2–3% of runs (the binomial tail); they fail by ~300.
        Assert.True(within200 >= Runs * 0.95, $"only {within200} of {Runs} failed within 200 requests");
        Assert.True(median <= 100, $"median {median}");
    }

    private static string Percent(int count, int of) => (100.0 * count / of).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
