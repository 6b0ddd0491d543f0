using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// The anytime-valid statistics behind the verdicts, against values computed independently (Python's math.lgamma, the
/// Beta(½, ½) mixture written out), and the properties the verdicts rely on.
/// </summary>
public sealed class SequentialTestsTests
{
    [Theory]
    [InlineData(5, 9, 0.10, 81.39881377648233)]
    [InlineData(4, 7, 0.10, 33.48979766803834)]
    [InlineData(6, 11, 0.10, 203.4970344412051)]
    public void Evidence_against_a_rate_limit_is_the_mixture_likelihood_ratio(long events, long trials, double limit, double expected)
    {
        Assert.Equal(expected, SequentialTests.RateAbove(events, trials, limit), expected * 1e-12);
    }

    [Fact]
    public void Evidence_against_a_limit_is_at_most_one_below_it_and_capped_above()
    {
        Assert.Equal(0.23797082787326593, SequentialTests.RateAbove(1, 20, 0.10), 1e-12);
        Assert.Equal(1, SequentialTests.RateAbove(0, 0, 0.10));
        Assert.Equal(SequentialTests.MaxEvidence, SequentialTests.RateAbove(1, 1000, 0));
        Assert.Equal(SequentialTests.MaxEvidence, SequentialTests.RateAbove(900, 1000, 0.1));
        Assert.Equal(0, SequentialTests.RateAbove(10, 10, 1));
    }

    [Fact]
    public void Rate_bounds_are_the_confidence_sequence_and_exact_at_the_edges()
    {
        var (lower, upper) = SequentialTests.RateBounds(10, 100, 0.01);
        Assert.Equal(0.02350147487530597, lower, 1e-12);
        Assert.Equal(0.24865857650644851, upper, 1e-12);

        Assert.Equal((0, 1), SequentialTests.RateBounds(0, 0, 0.01));
        var none = SequentialTests.RateBounds(0, 1000, 0.01);
        Assert.Equal(0, none.Lower);
        Assert.Equal(0.008594392995273425, none.Upper, 1e-12);
        Assert.Equal(1, SequentialTests.RateBounds(1000, 1000, 0.01).Upper);
        Assert.Throws<ArgumentOutOfRangeException>(() => SequentialTests.RateBounds(5, 4, 0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequentialTests.RateBounds(1, 4, 1));
    }

    [Fact]
    public void A_limit_below_the_lower_bound_is_exactly_where_the_evidence_reaches_one_over_alpha()
    {
        foreach (var (events, trials) in new[] { (6L, 11L), (30L, 200L), (3L, 5L), (120L, 1000L) })
        {
            var lower = SequentialTests.RateBounds(events, trials, 0.01).Lower;
            Assert.True(SequentialTests.RateAbove(events, trials, lower * 0.999) >= 100, $"{events}/{trials} below {lower}");
            Assert.True(SequentialTests.RateAbove(events, trials, lower * 1.001) < 100, $"{events}/{trials} above {lower}");
        }
    }

    [Fact]
    public void Evidence_of_an_increase_is_universal_inference_against_the_pooled_rate()
    {
        Assert.Equal(2.2545074530918505, SequentialTests.RateIncrease(10, 100, 18, 900), 1e-10);
        Assert.Equal(SequentialTests.MaxEvidence, SequentialTests.RateIncrease(30, 100, 18, 900)); // 1.297e16 uncapped
        Assert.True(SequentialTests.RateIncrease(2, 100, 18, 900) < 1);
        Assert.Equal(1, SequentialTests.RateIncrease(2, 100, 0, 0));
    }

    [Fact]
    public void Mean_shift_evidence_reaches_one_over_alpha_exactly_at_its_boundary()
    {
        Assert.Equal(11.596390149420568, SequentialTests.MeanShift(3, 100, 50), 1e-12);
        Assert.Equal(3.932356671382498, SequentialTests.MeanShiftBoundary(100, 50, 0.01), 1e-12);
        foreach (var samples in new long[] { 10, 50, 500, 100_000 })
        {
            var boundary = SequentialTests.MeanShiftBoundary(samples, 50, 0.01);
            Assert.Equal(100, SequentialTests.MeanShift(boundary, samples, 50), 1e-9);
            Assert.InRange(boundary, 3.4, 8);
        }

        Assert.Equal(1 / Math.Sqrt(3), SequentialTests.MeanShift(-3, 100, 50), 1e-15);
        Assert.Equal(SequentialTests.MaxEvidence, SequentialTests.MeanShift(double.PositiveInfinity, 100, 50));
        Assert.Equal(1, SequentialTests.MeanShift(double.NaN, 100, 50));
    }

    /// <summary>Ville's inequality, seen: a rate exactly at the limit, watched after every one of 2,000 trials, 2,000 times.</summary>
    [Fact]
    public void A_rate_at_the_limit_watched_after_every_trial_rarely_ever_reaches_the_threshold()
    {
        var random = new Random(7);
        var crossed = 0;
        for (var run = 0; run < 2000; run++)
        {
            long events = 0;
            for (var trials = 1; trials <= 2000; trials++)
            {
                events += random.NextDouble() < 0.10 ? 1 : 0;
                if (SequentialTests.RateAbove(events, trials, 0.10) >= 100)
                {
                    crossed++;
                    break;
                }
            }
        }

        Assert.InRange(crossed, 0, 20);
    }
}
