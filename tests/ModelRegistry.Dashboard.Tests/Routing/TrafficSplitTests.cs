using MathNet.Numerics.Distributions;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Tests.Routing;

public sealed class TrafficSplitTests
{
    private const int Requests = 10_000;

    private static TrafficSplit Split(int stableWeight, int canaryWeight, long revision = 1) => TrafficSplit.From(new RouteInfo(
        "production",
        "support-chat",
        [new SplitInfo("1.4.0", stableWeight), new SplitInfo("1.5.0", canaryWeight)],
        revision,
        DateTime.UtcNow,
        "test"));

    private static bool AllHealthy(string version) => true;

    /// <summary>The 99.9% two-sided interval of a binomial count around its mean (normal approximation, n = 10,000).</summary>
    private static (double Low, double High) Interval(int n, double p)
    {
        var z = Normal.InvCDF(0, 1, 0.9995);
        var sd = Math.Sqrt(n * p * (1 - p));
        return ((n * p) - (z * sd), (n * p) + (z * sd));
    }

    [Fact]
    public void Requests_without_a_session_land_within_the_binomial_interval_of_the_weights()
    {
        var split = Split(90, 10);
        var random = new Random(20261204);

        var canary = Enumerable.Range(0, Requests).Count(_ => split.Pick(null, AllHealthy, random) == "1.5.0");

        var (low, high) = Interval(Requests, 0.10);
        Assert.InRange(canary, low, high);
    }

    [Fact]
    public void Sticky_sessions_spread_across_versions_by_weight()
    {
        var split = Split(90, 10);

        var canary = Enumerable.Range(0, Requests).Count(i => split.Pick($"session-{i}", AllHealthy, Random.Shared) == "1.5.0");

        var (low, high) = Interval(Requests, 0.10);
        Assert.InRange(canary, low, high);
    }

    [Fact]
    public void A_session_keeps_its_version_while_the_weights_hold()
    {
        var split = Split(90, 10);
        var again = Split(90, 10, revision: 7);

        for (var i = 0; i < 2_000; i++)
        {
            var session = $"user-{i}";
            var first = split.Pick(session, AllHealthy, Random.Shared);
            Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(first, again.Pick(session, AllHealthy, Random.Shared)));
        }
    }

    [Fact]
    public void Going_from_10_to_50_percent_moves_only_the_sessions_that_must_move()
    {
        var before = Split(90, 10);
        var after = Split(50, 50);
        var sessions = Enumerable.Range(0, Requests).Select(i => $"s{i}").ToList();

        var moved = sessions.Where(s => before.Pick(s, AllHealthy, Random.Shared) != after.Pick(s, AllHealthy, Random.Shared)).ToList();

        // Nobody leaves the canary; the stable sessions that move are the 40% the canary gained, within the interval.
        Assert.All(moved, s => Assert.Equal("1.5.0", after.Pick(s, AllHealthy, Random.Shared)));
        var (low, high) = Interval(Requests, 0.40);
        Assert.InRange(moved.Count, low, high);
    }

    [Fact]
    public void Equal_weights_do_not_swap_the_ranges()
    {
        // At 50/50 the "primary" may be either version; the layout must not follow it.
        var canaryAhead = TrafficSplit.From(new RouteInfo("production", "m", [new SplitInfo("1.5.0", 50), new SplitInfo("1.4.0", 50)], 1, DateTime.UtcNow, "t"));
        var stableAhead = TrafficSplit.From(new RouteInfo("production", "m", [new SplitInfo("1.4.0", 50), new SplitInfo("1.5.0", 50)], 2, DateTime.UtcNow, "t"));

        Assert.All(Enumerable.Range(0, 1_000), i => Assert.Equal(canaryAhead.Pick($"k{i}", AllHealthy, Random.Shared), stableAhead.Pick($"k{i}", AllHealthy, Random.Shared)));
    }

    [Fact]
    public void The_session_bucket_is_the_same_in_every_process()
    {
        // XxHash3 of the UTF-8 key, not string.GetHashCode (randomised per process): two gateways agree on a session.
        Assert.Equal(TrafficSplit.BucketOf("session-42"), TrafficSplit.BucketOf(new string("session-42".ToCharArray())));
        Assert.Equal(9_758, TrafficSplit.BucketOf("session-42"));
    }

    [Fact]
    public void An_unhealthy_version_gets_no_requests_and_its_share_goes_to_the_primary()
    {
        var split = Split(90, 10);
        var random = new Random(7);

        var picks = Enumerable.Range(0, Requests).Select(i => split.Pick(i % 2 == 0 ? null : $"s{i}", v => v != "1.5.0", random)).ToList();

        Assert.DoesNotContain("1.5.0", picks);
        Assert.All(picks, p => Assert.Equal("1.4.0", p));
    }

    [Fact]
    public void A_route_without_traffic_picks_nothing()
    {
        var split = TrafficSplit.From(new RouteInfo("production", "m", [new SplitInfo("1.0.0", 0)], 1, DateTime.UtcNow, "t"));

        Assert.Null(split.Pick(null, AllHealthy, Random.Shared));
    }

    [Fact]
    public void Shares_list_the_versions_newest_first_with_their_weights()
    {
        var split = Split(90, 10, revision: 12);

        Assert.Equal([("1.5.0", 10), ("1.4.0", 90)], split.Shares.ToList());
        Assert.Equal(12, split.Revision);
        Assert.Equal("1.4.0", split.Primary);
    }
}
