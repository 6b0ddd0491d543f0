using System.IO.Hashing;
using System.Text;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Routing;

/// <summary>
/// How the gateway splits one route's traffic: the route's weights laid out on <see cref="Buckets"/> buckets, each version
/// a contiguous range, newest version first from bucket 0. A sticky session hashes to one bucket and so to one version
/// for as long as that bucket's owner keeps it; a request without a session draws a bucket at random.
/// </summary>
/// <remarks>
/// The layout follows version order, never weight order: when a canary goes from 10% to 50% its range grows from
/// [0, 1000) to [0, 5000), so only the sessions in [1000, 5000) move — the minimum that must — and none moves back when
/// the weights tie at 50/50 (ordering by weight would swap the ranges there and move everyone).
/// </remarks>
public sealed class TrafficSplit
{
    /// <summary>Buckets per route: weights are whole percents, so each percent is 100 buckets.</summary>
    public const int Buckets = 10_000;

    private const int BucketsPerPercent = Buckets / 100;

    private readonly (string Version, int EndBucket)[] _ranges;

    private TrafficSplit(string environment, string model, long revision, string? primary, (string Version, int EndBucket)[] ranges)
    {
        Environment = environment;
        Model = model;
        Revision = revision;
        Primary = primary;
        _ranges = ranges;
    }

    public string Environment { get; }

    public string Model { get; }

    /// <summary>The route revision this split was built from (sent back as <c>X-Route-Revision</c>).</summary>
    public long Revision { get; }

    /// <summary>The version with the largest share: it takes the share of a version that is unhealthy.</summary>
    public string? Primary { get; }

    /// <summary>The versions that receive traffic, with their weights, in bucket order.</summary>
    public IEnumerable<(string Version, int Weight)> Shares
    {
        get
        {
            var start = 0;
            foreach (var (version, end) in _ranges)
            {
                yield return (version, (end - start) / BucketsPerPercent);
                start = end;
            }
        }
    }

    public static TrafficSplit From(RouteInfo route)
    {
        var end = 0;
        var ranges = new List<(string, int)>();
        foreach (var split in route.Splits.Where(s => s.Weight > 0).OrderByDescending(s => s.Version, SemanticVersion.Precedence))
        {
            end += split.Weight * BucketsPerPercent;
            ranges.Add((split.Version, end));
        }

        return new TrafficSplit(route.Environment, route.Model, route.Revision, route.PrimaryVersion, [.. ranges]);
    }

    /// <summary>The bucket of a sticky session: the same key gives the same bucket in every process and every run.</summary>
    public static int BucketOf(string sessionKey)
    {
        Span<byte> utf8 = sessionKey.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(sessionKey.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(sessionKey.Length)];
        var length = Encoding.UTF8.GetBytes(sessionKey, utf8);
        return (int)(XxHash3.HashToUInt64(utf8[..length]) % Buckets);
    }

    /// <summary>
    /// The version for one request: the owner of the session's bucket, or of a random bucket without a session. A version
    /// <paramref name="isHealthy"/> refuses gives its request to <see cref="Primary"/> (or, when that is unhealthy too,
    /// the first healthy version); null when no version receives traffic.
    /// </summary>
    public string? Pick(string? sessionKey, Func<string, bool> isHealthy, Random random) =>
        Pick(sessionKey, static (health, version) => health(version), isHealthy, random);

    /// <summary>
    /// <see cref="Pick(string?, Func{string, bool}, Random)"/> with the health check's state passed along, so a caller
    /// on a hot path (the gateway, every request) need not allocate a closure.
    /// </summary>
    public string? Pick<TState>(string? sessionKey, Func<TState, string, bool> isHealthy, TState state, Random random)
    {
        if (_ranges.Length == 0)
        {
            return null;
        }

        var bucket = sessionKey is null ? random.Next(Buckets) : BucketOf(sessionKey);
        var chosen = Owner(bucket);
        if (isHealthy(state, chosen))
        {
            return chosen;
        }

        if (Primary is not null && isHealthy(state, Primary) && _ranges.Any(r => r.Version == Primary))
        {
            return Primary;
        }

        foreach (var (version, _) in _ranges)
        {
            if (isHealthy(state, version))
            {
                return version;
            }
        }

        // Nothing healthy: keep the route's choice rather than refuse everything (the health gate may be stale).
        return chosen;
    }

    /// <summary>The version whose range holds <paramref name="bucket"/>.</summary>
    public string Owner(int bucket)
    {
        foreach (var (version, end) in _ranges)
        {
            if (bucket < end)
            {
                return version;
            }
        }

        // Weights summing under 100% (not written by the engine, which keeps them at 100): the last range takes the rest.
        return _ranges[^1].Version;
    }
}
