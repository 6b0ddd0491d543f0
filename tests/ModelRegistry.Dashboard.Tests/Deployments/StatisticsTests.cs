using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>The distribution functions against reference values computed to 30 digits with mpmath.</summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(0, 0.5, 1e-15)]
    [InlineData(0.5, 0.691462461274013103637704610608, 1e-15)]
    [InlineData(1.96, 0.975002104851779563787176307604, 1e-15)]
    [InlineData(-3, 0.0013498980316300945266518147676, 1e-13)]
    [InlineData(-5, 2.86651571879193911673752332875e-7, 1e-9)]
    [InlineData(-8, 6.22096057427178412351599517259e-16, 1e-8)]
    [InlineData(-10, 7.6198530241605260659733432516e-24, 1e-8)]
    public void Normal_cdf_is_accurate_relative_to_the_tail(double x, double expected, double relativeError)
    {
        Assert.Equal(expected, Statistics.NormalCdf(x), expected * relativeError);
    }

    [Fact]
    public void Upper_tail_mirrors_the_cdf_without_cancellation()
    {
        Assert.Equal(Statistics.NormalCdf(-8), Statistics.NormalUpperTail(8));
        Assert.Equal(1 - Statistics.NormalCdf(1.2), Statistics.NormalUpperTail(1.2), 1e-15);
        Assert.True(double.IsNaN(Statistics.NormalCdf(double.NaN)));
        Assert.Equal(1, Statistics.NormalCdf(40));
    }

    [Theory]
    [InlineData(0.975, 1.95996398454005385560443064983)]
    [InlineData(0.99, 2.32634787404084076763718923689)]
    [InlineData(0.95, 1.64485362695147228427631560354)]
    [InlineData(0.999, 3.09023230616781327775820233256)]
    [InlineData(0.9999, 3.71901648545570838672275941534)]
    [InlineData(0.5, 0)]
    public void Inverse_normal_cdf_is_accurate_for_every_allowed_confidence(double p, double expected)
    {
        Assert.Equal(expected, Statistics.InverseNormalCdf(p), 1e-13);
    }

    [Fact]
    public void Inverse_normal_cdf_stays_close_far_out()
    {
        Assert.Equal(-6.36134090240405619910039694879, Statistics.InverseNormalCdf(1e-10), 1e-8);
    }

    [Fact]
    public void Inverse_normal_cdf_inverts_the_cdf_and_refuses_non_probabilities()
    {
        foreach (var p in new[] { 1e-200, 1e-6, 0.02, 0.02425, 0.3, 0.7, 0.97575, 0.999999 })
        {
            Assert.Equal(p, Statistics.NormalCdf(Statistics.InverseNormalCdf(p)), p * 1e-12);
        }

        Assert.Equal(double.NegativeInfinity, Statistics.InverseNormalCdf(0));
        Assert.Equal(double.PositiveInfinity, Statistics.InverseNormalCdf(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.InverseNormalCdf(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.InverseNormalCdf(double.NaN));
    }

    [Fact]
    public void Wilson_interval_of_5_in_100_at_95_percent()
    {
        var (lower, upper) = Statistics.WilsonInterval(5, 100, Statistics.InverseNormalCdf(0.975));

        // Newcombe (1998), Table I / any Wilson calculator: 0.0215 – 0.1118.
        Assert.Equal(0.0215, lower, 4);
        Assert.Equal(0.1118, upper, 4);
    }

    [Fact]
    public void One_sided_wilson_bounds_use_the_one_sided_critical_value()
    {
        var z = Statistics.InverseNormalCdf(0.99);

        Assert.Equal(Statistics.WilsonInterval(20, 200, z).Lower, Statistics.WilsonLowerBound(20, 200, 0.99));
        Assert.Equal(Statistics.WilsonInterval(20, 200, z).Upper, Statistics.WilsonUpperBound(20, 200, 0.99));
        Assert.InRange(Statistics.WilsonLowerBound(20, 200, 0.99), 0.0605, 0.0615);
    }

    [Fact]
    public void Wilson_bounds_are_exact_at_the_edges()
    {
        var z = Statistics.InverseNormalCdf(0.99);

        Assert.Equal(0, Statistics.WilsonInterval(0, 1000, z).Lower);
        Assert.Equal(1, Statistics.WilsonInterval(1000, 1000, z).Upper);
        Assert.InRange(Statistics.WilsonInterval(0, 1000, z).Upper, 0.005, 0.006);
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.WilsonInterval(1, 0, z));
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.WilsonInterval(5, 4, z));
    }

    [Fact]
    public void Newcombe_difference_interval_matches_the_published_example()
    {
        // Newcombe (1998), Table II, example (a): 56/70 − 48/80, method 10: 0.0524 to 0.3339.
        var (lower, upper) = Statistics.NewcombeDifferenceInterval(56, 70, 48, 80, Statistics.InverseNormalCdf(0.975));

        Assert.Equal(0.0524, lower, 4);
        Assert.Equal(0.3339, upper, 4);
    }

    [Theory]
    [InlineData(5, 50, 9, 450, 0.00819677743133160779140810380762)]
    [InlineData(4, 50, 9, 450, 0.0321509236328513759777248494865)]
    [InlineData(10, 100, 18, 900, 0.000182299543226316016158034351152)]
    [InlineData(30, 200, 20, 200, 0.0865804365428637820730719747143)]
    [InlineData(3, 10, 1, 10, 0.291021671826625386996904024768)]
    [InlineData(100, 200, 4, 200, 3.70574352305292219754520092164e-32)]
    public void Fisher_exact_one_sided_p_values(long x1, long n1, long x2, long n2, double expected)
    {
        Assert.Equal(expected, Statistics.FisherExactPValue(x1, n1, x2, n2), expected * 1e-10);
    }

    [Fact]
    public void Fisher_exact_is_one_when_the_first_sample_is_not_higher_than_it_can_be()
    {
        Assert.Equal(1, Statistics.FisherExactPValue(0, 100, 5, 900));
        Assert.Equal(1, Statistics.FisherExactPValue(0, 100, 0, 900));
        Assert.Equal(1, Statistics.FisherExactPValue(100, 100, 900, 900));
        Assert.InRange(Statistics.FisherExactPValue(2, 100, 18, 900), 0.5, 1);
    }

    [Fact]
    public void Fisher_exact_handles_large_windows_quickly_and_agrees_with_the_z_test_there()
    {
        var exact = Statistics.FisherExactPValue(2_150, 100_000, 18_000, 900_000);
        var z = Statistics.TwoProportionZTestPValue(2_150, 100_000, 18_000, 900_000);

        Assert.InRange(exact, 1e-4, 0.05);
        Assert.Equal(z, exact, z * 0.2);
    }

    [Fact]
    public void Pooled_z_test_p_value()
    {
        // 30/200 vs 20/200: z = 1.51186, one-sided p = 0.065285 (R: prop.test(..., correct = FALSE, alternative = "greater")).
        Assert.Equal(0.0652850090578681459134622910285, Statistics.TwoProportionZTestPValue(30, 200, 20, 200), 1e-12);
        Assert.Equal(1, Statistics.TwoProportionZTestPValue(0, 10, 0, 10));
    }

    [Fact]
    public void The_z_test_is_bolder_than_fisher_with_few_events()
    {
        // Why the verdicts use Fisher: 4 errors in the first 50 requests against 9 in 450 is "significant" to the z-test.
        Assert.True(Statistics.TwoProportionZTestPValue(4, 50, 9, 450) < 0.01);
        Assert.True(Statistics.FisherExactPValue(4, 50, 9, 450) > 0.03);
    }
}
