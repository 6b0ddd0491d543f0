using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>The control plane could not be asked (and nothing known earlier can stand in): the gateway answers 503.</summary>
public sealed class ControlPlaneUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// A standalone gateway's routes: read from the control plane on first use and kept until the control plane pushes
/// <c>RouteChanged</c> on <c>/hubs/rollouts</c> (or <c>Gateway:ControlPlane:RouteMaxAgeSeconds</c> pass, in case a push
/// was lost). While the control plane cannot be reached, the routes already known keep serving; health comes from its
/// probes, refreshed every <c>Gateway:ControlPlane:RefreshSeconds</c> for the versions that get traffic.
/// </summary>
internal sealed partial class ControlPlaneRoutes(
    ControlPlaneClient client,
    TimeProvider clock,
    IOptionsMonitor<GatewayOptions> options,
    ILogger<ControlPlaneRoutes> logger) : IGatewayRoutes
{
    private readonly ConcurrentDictionary<(string Environment, string Model), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string Model, string Version), HealthStatus> _health = new();
    private long _generation;

    /// <summary>Every route is read again on its next use (a push said something changed, or the hub reconnected).</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    public async ValueTask<LiveRoute?> FindAsync(string environment, string model, CancellationToken cancellationToken)
    {
        var generation = Volatile.Read(ref _generation);
        var key = (environment, model);
        var maxAge = TimeSpan.FromSeconds(options.CurrentValue.ControlPlane.RouteMaxAgeSeconds);
        _entries.TryGetValue(key, out var entry);
        if (entry is not null && entry.Generation == generation && clock.GetUtcNow() - entry.LoadedAt < maxAge)
        {
            return entry.Route;
        }

        try
        {
            var route = await LoadAsync(environment, model, cancellationToken);
            _entries[key] = new Entry(generation, clock.GetUtcNow(), route);
            return route;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (entry is not null)
            {
                LogServingStale(logger, environment, model, e.Message);
                return entry.Route;
            }

            throw new ControlPlaneUnavailableException(
                $"The gateway cannot reach its control plane ({client.BaseAddress}) to read the route of '{model}' in '{environment}'.", e);
        }
    }

    public async Task<bool> IsRegisteredAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ModelExistsAsync(model, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ControlPlaneUnavailableException($"The gateway cannot reach its control plane ({client.BaseAddress}).", e);
        }
    }

    public bool IsServing(string model, string version) =>
        !_health.TryGetValue((model, version), out var status) || status != HealthStatus.Unhealthy;

    /// <summary>Reads the probe health of every version the known routes send traffic to.</summary>
    public async Task RefreshHealthAsync(CancellationToken cancellationToken)
    {
        var versions = _entries.Values
            .Where(e => e.Route is not null)
            .SelectMany(e => e.Route!.Targets.Keys.Select(v => (e.Route.Split.Model, Version: v)))
            .Distinct()
            .ToList();
        foreach (var (model, version) in versions)
        {
            if (await client.ProbeHealthAsync(model, version, cancellationToken) is { } status)
            {
                _health[(model, version)] = status;
            }
        }
    }

    private async Task<LiveRoute?> LoadAsync(string environment, string model, CancellationToken cancellationToken)
    {
        if (await client.RouteAsync(environment, model, cancellationToken) is not { } route)
        {
            return null;
        }

        var serving = route.Splits.Where(s => s.Weight > 0).Select(s => s.Version).ToHashSet(StringComparer.Ordinal);
        var targets = (await client.TargetsAsync(model, cancellationToken))
            .Where(t => serving.Contains(t.Version))
            .ToDictionary(t => t.Version, StringComparer.Ordinal);
        return new LiveRoute(TrafficSplit.From(route), targets);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control plane unreachable; serving the last known route of {Model} in {Environment}: {Reason}")]
    private static partial void LogServingStale(ILogger logger, string environment, string model, string reason);

    private sealed record Entry(long Generation, DateTimeOffset LoadedAt, LiveRoute? Route);
}

/// <summary>
/// Keeps a standalone gateway in step with its control plane: connected to <c>/hubs/rollouts</c> (every
/// <c>RouteChanged</c> makes the routes reload on their next use; a reconnect does too), and the serving versions'
/// probe health read every <c>Gateway:ControlPlane:RefreshSeconds</c>.
/// </summary>
internal sealed partial class ControlPlaneSync(
    WorkerHost host,
    ControlPlaneRoutes routes,
    ControlPlaneClient client,
    IOptions<GatewayOptions> options,
    ILogger<ControlPlaneSync> logger) : SupervisedWorker(host), IAsyncDisposable
{
    private HubConnection? _hub;

    public override string Name => "gateway-control-plane";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.ControlPlane.RefreshSeconds);

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        if (_hub is null)
        {
            var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(client.BaseAddress, "hubs/rollouts"), o => o.Headers[Hosting.AuthOptions.ApiKeyHeader] = options.Value.ControlPlane.ApiKey!)
                .WithAutomaticReconnect(new ForeverRetry())
                .Build();
            hub.On<JsonElement>("RouteChanged", _ => routes.Invalidate());
            hub.Reconnected += _ =>
            {
                routes.Invalidate();
                return Task.CompletedTask;
            };
            _hub = hub;
        }

        if (_hub.State == HubConnectionState.Disconnected)
        {
            await _hub.StartAsync(stoppingToken);
            routes.Invalidate(); // whatever changed while no push could arrive
            LogConnected(logger, client.BaseAddress);
        }

        await routes.RefreshHealthAsync(stoppingToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway connected to its control plane at {ControlPlane}")]
    private static partial void LogConnected(ILogger logger, Uri controlPlane);

    private sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            TimeSpan.FromMilliseconds(Math.Min(5000, 250 * Math.Pow(2, Math.Min(retryContext.PreviousRetryCount, 5))));
    }
}
