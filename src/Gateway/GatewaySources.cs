using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>
/// What the gateway routes by: the live routes, whether a model is registered, and whether a version may get traffic.
/// In-process it reads the engine (<see cref="InProcessGatewayRoutes"/>); standalone, the control plane
/// (<see cref="ControlPlaneRoutes"/>).
/// </summary>
public interface IGatewayRoutes
{
    /// <summary>The route of <paramref name="model"/> in <paramref name="environment"/>, or null when there is none.</summary>
    ValueTask<LiveRoute?> FindAsync(string environment, string model, CancellationToken cancellationToken);

    Task<bool> IsRegisteredAsync(string model, CancellationToken cancellationToken);

    /// <summary>False when the version's health probes say it is unhealthy: it gets no traffic.</summary>
    bool IsServing(string model, string version);
}

/// <summary>Where the gateway's measurements go: the store in-process, the control plane in aggregates when standalone.</summary>
public interface IGatewayRecorder
{
    void Record(in MetricEvent measurement);
}

/// <summary>The engine's own routes and probe health: a route write is seen by the next request.</summary>
internal sealed class InProcessGatewayRoutes(LiveRouteTable routes, ModelService models, HealthRegistry health) : IGatewayRoutes
{
    public ValueTask<LiveRoute?> FindAsync(string environment, string model, CancellationToken cancellationToken) =>
        routes.FindAsync(environment, model, cancellationToken);

    public async Task<bool> IsRegisteredAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            await models.GetAsync(model, cancellationToken);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    public bool IsServing(string model, string version) => health.Get(model, version).Status != HealthStatus.Unhealthy;
}

/// <summary>Straight into the telemetry store (no HTTP hop), waking whoever judges on arrival.</summary>
internal sealed class StoreGatewayRecorder(MetricsStore store, MetricsArrivals arrivals) : IGatewayRecorder
{
    public void Record(in MetricEvent measurement)
    {
        store.Record(in measurement);
        arrivals.Notify();
    }
}
