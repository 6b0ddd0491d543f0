using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Health;

/// <summary>One version to probe, with the endpoint it was registered with.</summary>
public sealed record HealthTarget(string Model, string Version, string Endpoint);

/// <summary>
/// Decides what to probe — every version with traffic in any route, plus versions about to get traffic
/// (<see cref="RequestProbeAsync"/>) — probes them and records the results in the <see cref="HealthRegistry"/>.
/// </summary>
public sealed partial class HealthMonitor(
    HealthRegistry registry,
    HealthProber prober,
    RouteService routes,
    VersionService versions,
    IEndpointAddressResolver addresses,
    IOptionsMonitor<HealthOptions> options,
    TimeProvider clock,
    ILogger<HealthMonitor> logger)
{
    // Endpoints never change after registration, so they are looked up once.
    private readonly ConcurrentDictionary<(string Model, string Version), string> _endpoints = new();
    private readonly ConcurrentDictionary<(string Model, string Version), DateTimeOffset> _requested = new();

    /// <summary>
    /// Probes a version now and keeps probing it for <c>Health:RequestedWatchSeconds</c> even if it serves no traffic
    /// yet — for a deployment about to send it traffic. Unknown model or version: <see cref="NotFoundException"/>.
    /// </summary>
    public async Task<VersionHealth> RequestProbeAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        var endpoint = await EndpointAsync(model, version, cancellationToken);
        _requested[(model, version)] = clock.GetUtcNow().AddSeconds(options.CurrentValue.RequestedWatchSeconds);
        return await ProbeAsync(new HealthTarget(model, version, endpoint), cancellationToken);
    }

    /// <summary>The versions a probe round covers: serving in any route, or requested and still within their watch.</summary>
    public async Task<IReadOnlyList<HealthTarget>> TargetsAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var wanted = new HashSet<(string Model, string Version)>();
        foreach (var route in await routes.ListAsync(cancellationToken: cancellationToken))
        {
            foreach (var split in route.Splits.Where(s => s.Weight > 0))
            {
                wanted.Add((route.Model, split.Version));
            }
        }

        foreach (var (key, until) in _requested)
        {
            if (until > now)
            {
                wanted.Add(key);
            }
            else
            {
                _requested.TryRemove(new KeyValuePair<(string, string), DateTimeOffset>(key, until));
            }
        }

        var targets = new List<HealthTarget>(wanted.Count);
        foreach (var (model, version) in wanted.Order())
        {
            try
            {
                targets.Add(new HealthTarget(model, version, await EndpointAsync(model, version, cancellationToken)));
            }
            catch (NotFoundException)
            {
                // A route naming a version that is gone cannot happen through the engine; skip rather than stop the round.
            }
        }

        return targets;
    }

    /// <summary>Probes every target once, a bounded number at a time.</summary>
    public async Task ProbeRoundAsync(CancellationToken cancellationToken)
    {
        var targets = await TargetsAsync(cancellationToken);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.CurrentValue.MaxConcurrentProbes,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(targets, parallel, async (target, ct) => await ProbeAsync(target, ct));
    }

    private async Task<VersionHealth> ProbeAsync(HealthTarget target, CancellationToken cancellationToken)
    {
        var result = await prober.ProbeAsync(addresses.Resolve(target.Endpoint), cancellationToken);
        var before = registry.Get(target.Model, target.Version).Status;
        var health = registry.Record(target.Model, target.Version, target.Endpoint, result);
        if (health.Status != before)
        {
            LogStatusChanged(logger, target.Model, target.Version, before, health.Status, health.Reason);
        }

        return health;
    }

    private async Task<string> EndpointAsync(string model, string version, CancellationToken cancellationToken)
    {
        if (_endpoints.TryGetValue((model, version), out var endpoint))
        {
            return endpoint;
        }

        var info = await versions.GetAsync(model, version, cancellationToken);
        return _endpoints.GetOrAdd((model, version), info.Endpoint);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health of {Model}@{Version}: {Before} → {After}. {Reason}")]
    private static partial void LogStatusChanged(ILogger logger, string model, string version, HealthStatus before, HealthStatus after, string reason);
}
