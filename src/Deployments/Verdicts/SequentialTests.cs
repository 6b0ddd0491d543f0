using MathNet.Numerics;

namespace ModelRegistry.Dashboard.Deployments.Verdicts;

/// <summary>
/// Evidence that stays valid when it is looked at after every request (anytime-valid tests). Each test is an
/// <em>e-process</em>: a statistic E ≥ 0 whose expectation is at most 1 at every moment while the null hypothesis
/// holds, so by Ville's inequality (J. Ville, 1939) P(E ever reaches 1/α) ≤ α — however often it is checked and
/// whenever the checking stops. A check fails when its E reaches 1/α; no correction for repeated looks is needed, and
/// none for a sample minimum either. Every function depends only on counts and figures a summary carries, so a verdict
/// stays a pure function of its two summaries.
/// <para>
/// Rates are mixtures over a Beta(½, ½) (Jeffreys) prior (H. Robbins, Ann. Math. Statist. 41, 1970; the method-of-mixtures
/// bounds of S. R. Howard et al., Ann. Statist. 49, 2021): M(p) = ∫ L(q) dπ(q) / L(p) is a martingale under the rate p.
/// Jeffreys puts more weight than a uniform prior on the small error rates of a baseline and on gross failures near ½;
/// with it a canary failing every other request is shown above a 10% limit at 99% on its 11th request, and worse than
/// a 1% baseline on its 9th. Means (latency)
/// use Robbins' normal mixture on the z statistic, exact for Gaussian sums and approximate for the estimated spread of a
/// latency mean, which is why the latency checks start only at the sample floor.
/// </para>
/// </summary>
public static class SequentialTests
{
    /// <summary>Both shape parameters of the Beta prior the rate mixtures average over (Jeffreys' prior).</summary>
    public const double PriorShape = 0.5;

    /// <summary>The largest evidence reported: beyond it nothing changes, and the figure must stay finite to be stored as JSON.</summary>
    public const double MaxEvidence = 1e12;

    private const int MaxNewtonSteps = 60;
    private static readonly double LogPriorNormaliser = SpecialFunctions.BetaLn(PriorShape, PriorShape);

    /// <summary>
    /// Evidence that the rate behind <paramref name="events"/> of <paramref name="trials"/> is above
    /// <paramref name="limit"/> (a fraction): M(limit) while the observed rate is above the limit, at most 1 otherwise.
    /// </summary>
    public static double RateAbove(long events, long trials, double limit)
    {
        CheckCounts(events, trials);
        if (trials == 0 || limit >= 1)
        {
            return trials == 0 ? 1 : 0;
        }

        var logM = LogMixture(events, trials) - LogLikelihood(limit, events, trials);
        return (double)events / trials > limit ? Clip(Math.Exp(logM)) : Math.Min(1, Math.Exp(logM));
    }

    /// <summary>
    /// The always-valid confidence sequence of a rate at level 1 − <paramref name="alpha"/>: every p whose mixture
    /// statistic M(p) is below 1/α. The likelihood is log-concave, so this is one interval around the observed rate; its
    /// ends are found by Newton's method. With no trials, [0, 1].
    /// </summary>
    public static (double Lower, double Upper) RateBounds(long events, long trials, double alpha)
    {
        CheckCounts(events, trials);
        if (!(alpha is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The level must lie in (0, 1).");
        }

        if (trials == 0)
        {
            return (0, 1);
        }

        // In the sequence ⟺ ln L(p) > ln mixture + ln α.
        var floor = LogMixture(events, trials) + Math.Log(alpha);
        var lower = events == 0 ? 0 : LowerEnd(events, trials - events, floor);
        var upper = events == trials ? 1 : 1 - LowerEnd(trials - events, events, floor);
        return (lower, upper);
    }

    /// <summary>
    /// Evidence that rate 1 is above rate 2 (e.g. the canary's error rate above its baseline's), by universal inference
    /// (L. Wasserman, A. Ramdas, S. Balakrishnan, PNAS 117, 2020): both samples' Beta mixtures over the likelihood
    /// maximised under "rate 1 ≤ rate 2". The maximum is at least the likelihood at the true rates, so this is at most
    /// the mixture martingale there: valid for any common rate, without knowing it. At most 1 when sample 1 is not
    /// the higher.
    /// </summary>
    public static double RateIncrease(long events1, long trials1, long events2, long trials2)
    {
        CheckCounts(events1, trials1);
        CheckCounts(events2, trials2);
        if (trials1 == 0 || trials2 == 0 || (double)events1 / trials1 <= (double)events2 / trials2)
        {
            return trials1 == 0 || trials2 == 0 ? 1 : Math.Min(1, Math.Exp(LogIncreaseStatistic(events1, trials1, events2, trials2, pooled: false)));
        }

        return Clip(Math.Exp(LogIncreaseStatistic(events1, trials1, events2, trials2, pooled: true)));
    }

    /// <summary>
    /// Evidence from a z statistic of a mean over <paramref name="samples"/> values, by Robbins' normal mixture with
    /// scale chosen so the boundary is tightest near <paramref name="scaleSamples"/>: with v = n / n₀,
    /// E = exp(v z² / (2(1 + v))) / √(1 + v) for z &gt; 0, and its value at z = 0 below.
    /// </summary>
    public static double MeanShift(double z, long samples, long scaleSamples)
    {
        if (double.IsNaN(z) || samples <= 0)
        {
            return 1;
        }

        if (double.IsPositiveInfinity(z))
        {
            return MaxEvidence;
        }

        // Below zero the mixture grows again (it is two-sided), but that is evidence of a shift the other way.
        var v = (double)samples / scaleSamples;
        var positive = Math.Max(0, z);
        return Clip(Math.Exp((v * positive * positive / (2 * (1 + v))) - (0.5 * Math.Log(1 + v))));
    }

    /// <summary>The z a mean shift must pass for <see cref="MeanShift"/> to reach 1/α: √((1 + 1/v)(2 ln(1/α) + ln(1 + v))).</summary>
    public static double MeanShiftBoundary(long samples, long scaleSamples, double alpha)
    {
        var v = (double)samples / scaleSamples;
        return Math.Sqrt((1 + (1 / v)) * ((2 * Math.Log(1 / alpha)) + Math.Log(1 + v)));
    }

    private static double LogIncreaseStatistic(long events1, long trials1, long events2, long trials2, bool pooled)
    {
        double rate1 = (double)events1 / trials1, rate2 = (double)events2 / trials2;
        if (pooled)
        {
            rate1 = rate2 = (double)(events1 + events2) / (trials1 + trials2);
        }

        return LogMixture(events1, trials1) + LogMixture(events2, trials2)
               - LogLikelihood(rate1, events1, trials1) - LogLikelihood(rate2, events2, trials2);
    }

    /// <summary>ln ∫ q^k (1 − q)^(n−k) dπ(q) for the Beta(½, ½) prior π.</summary>
    private static double LogMixture(long events, long trials) =>
        SpecialFunctions.BetaLn(PriorShape + events, PriorShape + trials - events) - LogPriorNormaliser;

    /// <summary>ln p^k (1 − p)^(n−k), with 0 · ln 0 = 0 so the edges are exact.</summary>
    private static double LogLikelihood(double p, long events, long trials)
    {
        var failures = trials - events;
        return (events == 0 ? 0 : events * Math.Log(p)) + (failures == 0 ? 0 : failures * Math.Log(1 - p));
    }

    /// <summary>
    /// The p below the observed rate where k ln p + m ln(1 − p) falls to <paramref name="floor"/> (k ≥ 1). The function is
    /// concave and increasing there, so Newton's method started below the root climbs to it without overshooting: the
    /// result is never above the true end, and is within 1e-12 of it (relative) after a handful of steps.
    /// </summary>
    private static double LowerEnd(long k, long m, double floor)
    {
        double G(double p) => (k * Math.Log(p)) + (m == 0 ? 0 : m * Math.Log(1 - p)) - floor;
        var p = (double)k / (k + m);
        do
        {
            p /= 2;
        }
        while (G(p) >= 0 && p > double.Epsilon);

        for (var i = 0; i < MaxNewtonSteps; i++)
        {
            var slope = (k / p) - (m == 0 ? 0 : m / (1 - p));
            var step = -G(p) / slope;
            p += step;
            if (!(step > p * 1e-13))
            {
                break;
            }
        }

        return p;
    }

    private static double Clip(double evidence) => double.IsNaN(evidence) ? 1 : Math.Min(evidence, MaxEvidence);

    private static void CheckCounts(long events, long trials)
    {
        if (trials < 0 || events < 0 || events > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(events), events, $"Need 0 ≤ events ≤ trials (got {events} of {trials}).");
        }
    }
}
