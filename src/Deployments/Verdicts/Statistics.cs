namespace ModelRegistry.Dashboard.Deployments.Verdicts;

/// <summary>
/// The few distribution functions the verdicts need, written out so that no statistics package is pulled in. Every
/// function names its source and its accuracy; the tests check them against values computed to 30 digits (mpmath).
/// </summary>
public static class Statistics
{
    private const double SqrtTwoPi = 2.50662827463100050242;

    /// <summary>
    /// Φ(x), the standard normal CDF. Hart (1968) algorithm 5666 as given by G. West, "Better approximations to
    /// cumulative normal functions", Wilmott Magazine (2005): a rational approximation for |x| &lt; 7.07 and a continued
    /// fraction beyond. The tail is computed directly, never as 1 − Φ, so its error is <em>relative</em>: below 1e-13 for
    /// |x| ≤ 4 and below 1e-8 out to |x| = 37 (measured against mpmath), so small p-values keep their leading digits.
    /// </summary>
    public static double NormalCdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var tail = LowerTailOfNegativeAbs(Math.Abs(x));
        return x > 0 ? 1 - tail : tail;
    }

    /// <summary>Q(x) = 1 − Φ(x) = Φ(−x), computed without cancellation: the one-sided p-value of a z statistic.</summary>
    public static double NormalUpperTail(double x) => NormalCdf(-x);

    /// <summary>
    /// Φ⁻¹(p). P. J. Acklam's rational approximation (relative error below 1.15e-9), refined by one Halley step against
    /// <see cref="NormalCdf"/>: absolute error below 1e-13 for every confidence the guard rules allow (0.5–0.9999, e.g.
    /// Φ⁻¹(0.975) = 1.959963984540054), and as good as <see cref="NormalCdf"/>'s tail (≈1e-9) beyond.
    /// </summary>
    public static double InverseNormalCdf(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability must lie in [0, 1].");
        }

        if (p == 0)
        {
            return double.NegativeInfinity;
        }

        if (p == 1)
        {
            return double.PositiveInfinity;
        }

        // Work in the lower half, where Φ(x) is a tail and so accurate: 1 − p is exact for p ≥ 0.5 (Sterbenz).
        var q = p < 0.5 ? p : 1 - p;
        var x = AcklamLowerHalf(q);
        var e = NormalCdf(x) - q;
        var u = e * SqrtTwoPi * Math.Exp(x * x / 2);
        x -= u / (1 + (x * u / 2));
        return p < 0.5 ? x : -x;
    }

    /// <summary>
    /// The two-sided Wilson score interval of a binomial proportion at critical value <paramref name="z"/> (E. B. Wilson,
    /// JASA 22, 1927): unlike the Wald interval it stays inside [0, 1] and keeps its coverage near 0 and with few trials,
    /// which is exactly where error rates live. Use z = Φ⁻¹(c) for a one-sided bound at confidence c.
    /// </summary>
    public static (double Lower, double Upper) WilsonInterval(long successes, long trials, double z)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (double.IsNaN(z) || z < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "The critical value must be zero or more.");
        }

        double n = trials;
        var p = successes / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = z / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));

        // The bounds at the edges are exact (0 and 1); rounding must not turn "no errors" into a positive lower bound.
        var lower = successes == 0 ? 0 : Math.Max(0, centre - half);
        var upper = successes == trials ? 1 : Math.Min(1, centre + half);
        return (lower, upper);
    }

    /// <summary>The one-sided lower Wilson bound at <paramref name="confidence"/>: the true proportion is at least this.</summary>
    public static double WilsonLowerBound(long successes, long trials, double confidence) =>
        WilsonInterval(successes, trials, InverseNormalCdf(confidence)).Lower;

    /// <summary>The one-sided upper Wilson bound at <paramref name="confidence"/>: the true proportion is at most this.</summary>
    public static double WilsonUpperBound(long successes, long trials, double confidence) =>
        WilsonInterval(successes, trials, InverseNormalCdf(confidence)).Upper;

    /// <summary>
    /// Interval for the difference p₁ − p₂ of two independent proportions at critical value <paramref name="z"/>:
    /// Newcombe's hybrid score method (R. G. Newcombe, Statistics in Medicine 17, 1998, method 10), built from each
    /// sample's Wilson interval. Unlike the Wald interval it behaves with zero events and small samples.
    /// </summary>
    public static (double Lower, double Upper) NewcombeDifferenceInterval(long events1, long trials1, long events2, long trials2, double z)
    {
        var (l1, u1) = WilsonInterval(events1, trials1, z);
        var (l2, u2) = WilsonInterval(events2, trials2, z);
        double p1 = (double)events1 / trials1, p2 = (double)events2 / trials2;
        var difference = p1 - p2;
        return (
            difference - Math.Sqrt(((p1 - l1) * (p1 - l1)) + ((u2 - p2) * (u2 - p2))),
            difference + Math.Sqrt(((u1 - p1) * (u1 - p1)) + ((p2 - l2) * (p2 - l2))));
    }

    /// <summary>
    /// One-sided p-value of the pooled two-proportion z-test of H₀: p₁ ≤ p₂ against H₁: p₁ &gt; p₂. A large-sample test:
    /// with rare events and few trials it rejects too often (the normal tail is thinner than the binomial's), which is why
    /// the verdicts use <see cref="FisherExactPValue"/>; this one is kept as the textbook reference the exact test
    /// converges to. Returns 1 when both samples are all-success or all-failure (no evidence either way).
    /// </summary>
    public static double TwoProportionZTestPValue(long events1, long trials1, long events2, long trials2)
    {
        CheckCounts(events1, trials1, nameof(events1));
        CheckCounts(events2, trials2, nameof(events2));

        var pooled = (double)(events1 + events2) / (trials1 + trials2);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / trials1) + (1.0 / trials2)));
        if (se == 0)
        {
            return 1;
        }

        var z = (((double)events1 / trials1) - ((double)events2 / trials2)) / se;
        return NormalUpperTail(z);
    }

    /// <summary>
    /// One-sided p-value of Fisher's exact test that sample 1 has the higher event rate: P(X ≥ events1) where X is
    /// hypergeometric given both samples' sizes and the total events (R. A. Fisher, 1935; conditional, so conservative).
    /// Exact for any counts, so a handful of errors in the first fifty requests is judged by the true binomial tails, not
    /// a normal approximation. Sums the terms outward from the mode with the ratio of consecutive hypergeometric
    /// probabilities (no factorials, no overflow) and stops once a term is below 1e-17 of the total; p-values below about
    /// 1e-300 come back as 0.
    /// </summary>
    public static double FisherExactPValue(long events1, long trials1, long events2, long trials2)
    {
        CheckCounts(events1, trials1, nameof(events1));
        CheckCounts(events2, trials2, nameof(events2));

        long population = trials1 + trials2, successes = events1 + events2, draws = trials1;
        var failures = population - successes;
        var lowest = Math.Max(0, draws - failures);
        var highest = Math.Min(draws, successes);
        if (events1 <= lowest)
        {
            return 1;
        }

        // Unnormalized probabilities relative to the mode (log-concave, so they fall away monotonically on both sides).
        var mode = Math.Clamp((long)Math.Floor((draws + 1.0) * (successes + 1.0) / (population + 2.0)), lowest, highest);
        double total = 1, tail = mode >= events1 ? 1 : 0, term = 1;
        for (var k = mode; k < highest; k++)
        {
            term *= (double)(successes - k) * (draws - k) / ((double)(k + 1) * (failures - draws + k + 1));
            total += term;
            if (k + 1 >= events1)
            {
                tail += term;
            }

            // Stop when the rest cannot change the tail (or the total, while the tail has not begun) in the 17th digit.
            if (term == 0 || (k + 1 >= events1 && term < tail * 1e-17))
            {
                break;
            }
        }

        term = 1;
        for (var k = mode; k > lowest; k--)
        {
            term *= (double)k * (failures - draws + k) / ((double)(successes - k + 1) * (draws - k + 1));
            total += term;
            if (k - 1 >= events1)
            {
                tail += term;
            }

            if (term < total * 1e-17)
            {
                break;
            }
        }

        return Math.Min(1, tail / total);
    }

    private static void CheckCounts(long events, long trials, string name)
    {
        if (trials <= 0 || events < 0 || events > trials)
        {
            throw new ArgumentOutOfRangeException(name, events, $"Need 0 ≤ events ≤ trials and trials > 0 (got {events} of {trials}).");
        }
    }

    /// <summary>Φ(−y) for y ≥ 0 (West 2005, Figure 2).</summary>
    private static double LowerTailOfNegativeAbs(double y)
    {
        if (y > 37)
        {
            return 0;
        }

        var exponential = Math.Exp(-y * y / 2);
        if (y < 7.07106781186547)
        {
            var numerator = (0.0352624965998911 * y) + 0.700383064443688;
            numerator = (numerator * y) + 6.37396220353165;
            numerator = (numerator * y) + 33.912866078383;
            numerator = (numerator * y) + 112.079291497871;
            numerator = (numerator * y) + 221.213596169931;
            numerator = (numerator * y) + 220.206867912376;
            var denominator = (0.0883883476483184 * y) + 1.75566716318264;
            denominator = (denominator * y) + 16.064177579207;
            denominator = (denominator * y) + 86.7807322029461;
            denominator = (denominator * y) + 296.564248779674;
            denominator = (denominator * y) + 637.333633378831;
            denominator = (denominator * y) + 793.826512519948;
            denominator = (denominator * y) + 440.413735824752;
            return exponential * numerator / denominator;
        }

        var fraction = y + 0.65;
        fraction = y + (4 / fraction);
        fraction = y + (3 / fraction);
        fraction = y + (2 / fraction);
        fraction = y + (1 / fraction);
        return exponential / fraction / 2.506628274631;
    }

    /// <summary>Acklam's approximation for 0 &lt; q ≤ 0.5 (lower region below 0.02425, central region above).</summary>
    private static double AcklamLowerHalf(double q)
    {
        if (q < 0.02425)
        {
            var t = Math.Sqrt(-2 * Math.Log(q));
            return (((((((((-7.784894002430293e-03 * t) - 3.223964580411365e-01) * t) - 2.400758277161838e+00) * t)
                        - 2.549732539343734e+00) * t) + 4.374664141464968e+00) * t + 2.938163982698783e+00)
                   / ((((((((7.784695709041462e-03 * t) + 3.224671290700398e-01) * t) + 2.445134137142996e+00) * t)
                        + 3.754408661907416e+00) * t) + 1);
        }

        var r = q - 0.5;
        var s = r * r;
        return (((((((((-3.969683028665376e+01 * s) + 2.209460984245205e+02) * s) - 2.759285104469687e+02) * s)
                    + 1.383577518672690e+02) * s - 3.066479806614716e+01) * s) + 2.506628277459239e+00) * r
               / ((((((((((-5.447609879822406e+01 * s) + 1.615858368580409e+02) * s) - 1.556989798598866e+02) * s)
                       + 6.680131188771972e+01) * s) - 1.328068155288572e+01) * s) + 1);
    }
}
