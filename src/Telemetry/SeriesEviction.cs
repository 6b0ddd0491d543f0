using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// Keeps the live store to the series that matter: a series that no route names (in any split, whatever its weight)
/// and that recorded nothing for the longest live window is marked retiring, and removed — its memory freed, its room
/// under <see cref="TelemetryOptions.MaxLiveSeries"/> given back — at least <see cref="GraceSeconds"/> later unless an
/// event revived it meanwhile. By then every minute it holds is older than anything the rollup writer still writes, so
/// nothing unpersisted is dropped. Run by <see cref="MetricRollupWriter"/> after a flush, at most once a minute.
/// </summary>
public sealed class SeriesEviction(MetricsStore store, RouteService routes)
{
    /// <summary>How long a series stays marked before it is removed: a writer would have to stall this long to lose an event.</summary>
    public const int GraceSeconds = 60;

    /// <summary>Marks idle series and removes those marked long enough; returns how many were removed.</summary>
    public async Task<int> EvictAsync(CancellationToken cancellationToken = default)
    {
        // Idle since before the oldest minute the writer may still write, not merely for the last 900 seconds.
        var now = store.NowSecond();
        var idleBefore = MetricRollupWriter.MinuteOf(now - MetricsStore.LongestWindowSeconds);
        var idle = store.IdleSeries(idleBefore);
        if (idle.Count == 0)
        {
            return 0;
        }

        var named = new HashSet<SeriesKey>(SeriesKeyComparer.Instance);
        foreach (var route in await routes.ListAsync(cancellationToken: cancellationToken))
        {
            foreach (var split in route.Splits)
            {
                named.Add(new SeriesKey(route.Environment, route.Model, split.Version));
            }
        }

        return store.Evict(idle, named.Contains, idleBefore, GraceSeconds);
    }
}
