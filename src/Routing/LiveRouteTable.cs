using System.Collections.Concurrent;
using ModelRegistry.Dashboard.Core.Fanout;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Routing;

/// <summary>Where one version of a route is served, and the model id its server expects.</summary>
public sealed record RouteTarget(string Version, string Endpoint, string? UpstreamModel);

/// <summary>A route as the gateway uses it: the split and the target of each version that receives traffic.</summary>
public sealed record LiveRoute(TrafficSplit Split, IReadOnlyDictionary<string, RouteTarget> Targets);

/// <summary>
/// The gateway's view of the routes: read from the database once, then kept until a change. Before every lookup the table
/// applies the changes already published (route writes, version registrations and updates), so a request that starts after
/// a route write returns is routed by it — no polling delay. Any change makes every entry reload on its next use: changes
/// are rare and a reload is one query per route.
/// </summary>
public sealed class LiveRouteTable : IDisposable
{
    private readonly RouteService _routes;
    private readonly VersionService _versions;
    private readonly Subscription<Change> _changes;
    private readonly Lock _drainGate = new();
    private readonly ConcurrentDictionary<(string Environment, string Model), Entry> _entries = new();
    private long _generation;

    public LiveRouteTable(RouteService routes, VersionService versions, IChangeNotifier notifier)
    {
        _routes = routes;
        _versions = versions;
        _changes = notifier.Subscribe();
    }

    /// <summary>The route of <paramref name="model"/> in <paramref name="environment"/>, or null when there is none.</summary>
    public async ValueTask<LiveRoute?> FindAsync(string environment, string model, CancellationToken cancellationToken = default)
    {
        var generation = ApplyChanges();
        var key = (environment, model);
        if (_entries.TryGetValue(key, out var entry) && entry.Generation == generation)
        {
            return entry.Route;
        }

        // The generation is taken before the read: a change published meanwhile makes this entry stale at once.
        var route = await LoadAsync(environment, model, cancellationToken);
        _entries[key] = new Entry(generation, route);
        return route;
    }

    private long ApplyChanges()
    {
        lock (_drainGate)
        {
            while (_changes.Reader.TryRead(out var change))
            {
                if (change.Kind is ChangeKind.RouteChanged or ChangeKind.VersionRegistered or ChangeKind.VersionUpdated
                    or ChangeKind.ModelUpdated or ChangeKind.SnapshotChanged or ChangeKind.DeploymentChanged)
                {
                    _generation++;
                }
            }

            return _generation;
        }
    }

    private async Task<LiveRoute?> LoadAsync(string environment, string model, CancellationToken cancellationToken)
    {
        var route = await _routes.FindAsync(environment, model, cancellationToken);
        if (route is null)
        {
            return null;
        }

        var serving = route.Splits.Where(s => s.Weight > 0).Select(s => s.Version).ToHashSet(StringComparer.Ordinal);
        var targets = (await _versions.ListAsync(model, cancellationToken))
            .Where(v => serving.Contains(v.Version))
            .ToDictionary(v => v.Version, v => new RouteTarget(v.Version, v.Endpoint, v.Metadata.UpstreamModel), StringComparer.Ordinal);
        return new LiveRoute(TrafficSplit.From(route), targets);
    }

    public void Dispose() => _changes.Dispose();

    private sealed record Entry(long Generation, LiveRoute? Route);
}
