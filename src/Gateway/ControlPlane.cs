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
/// The control plane's REST API as a standalone gateway uses it, with its configured key
/// (<c>Gateway:ControlPlane:Url</c> and <c>:ApiKey</c>).
/// </summary>
internal sealed class ControlPlaneClient(IHttpClientFactory clients)
{
    public const string HttpClientName = "control-plane";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public Uri BaseAddress => Http.BaseAddress!;

    private HttpClient Http => clients.CreateClient(HttpClientName);

    /// <summary>The route, or null when the environment has none for the model.</summary>
    public async Task<RouteInfo?> RouteAsync(string environment, string model, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"api/v1/environments/{Uri.EscapeDataString(environment)}/routes/{Uri.EscapeDataString(model)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<RouteInfo>(Json, cancellationToken);
    }

    /// <summary>Where each version of the model is served, and the model id its server expects.</summary>
    public async Task<List<RouteTarget>> TargetsAsync(string model, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"api/v1/models/{Uri.EscapeDataString(model)}/versions", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        await EnsureSuccessAsync(response, cancellationToken);
        var versions = await response.Content.ReadFromJsonAsync<List<VersionTarget>>(Json, cancellationToken) ?? [];
        return [.. versions.Select(v => new RouteTarget(v.Version, v.Endpoint, v.Metadata?.UpstreamModel))];
    }

    public async Task<bool> ModelExistsAsync(string model, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"api/v1/models/{Uri.EscapeDataString(model)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>What the version's probes say (the deployment gate's reading), or null when the control plane does not know it.</summary>
    public async Task<HealthStatus?> ProbeHealthAsync(string model, string version, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"api/v1/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}/health", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        var health = await response.Content.ReadFromJsonAsync<HealthAnswer>(Json, cancellationToken);
        return health?.ProbeHealth?.Status;
    }

    /// <summary>Posts one shipment; the status says whether it was taken (2xx), refused for good (4xx) or may be retried.</summary>
    public async Task<HttpStatusCode> ShipAsync(MetricAggregateBatch batch, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsJsonAsync("api/v1/metrics/aggregates", batch, Json, cancellationToken);
        return response.StatusCode;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"The control plane answered {(int)response.StatusCode} to {response.RequestMessage?.RequestUri}: {body}", null, response.StatusCode);
        }
    }

    private sealed record VersionTarget(string Version, string Endpoint, TargetMetadata? Metadata);

    private sealed record TargetMetadata(string? UpstreamModel);

    private sealed record HealthAnswer(ProbeAnswer? ProbeHealth);

    private sealed record ProbeAnswer(HealthStatus Status);
}

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

/// <summary>
/// A standalone gateway's measurements: summed per series (<see cref="MetricAccumulator"/>) and shipped to the control
/// plane every <c>Gateway:ControlPlane:ShipIntervalMilliseconds</c> as aggregates — counts, errors by type, tokens, time to
/// first token and the latency histogram, which the control plane merges with every other gateway's. A shipment the
/// control plane could not take is kept and sent again with the next (up to the live window's age); one it refused as
/// invalid is dropped and logged.
/// </summary>
internal sealed partial class AggregateShipper(
    WorkerHost host,
    ControlPlaneClient client,
    IOptions<GatewayOptions> options,
    ILogger<AggregateShipper> logger) : SupervisedWorker(host), IGatewayRecorder
{
    private readonly ConcurrentDictionary<SeriesKey, MetricAccumulator> _series = new();
    private readonly List<MetricAggregateInput> _pending = [];

    public override string Name => "gateway-shipper";

    protected override TimeSpan Interval => TimeSpan.FromMilliseconds(options.Value.ControlPlane.ShipIntervalMilliseconds);

    /// <summary>Aggregates waiting for the control plane (shipped, failed, kept for the next attempt).</summary>
    public int Pending => _pending.Count;

    public void Record(in MetricEvent measurement)
    {
        var series = measurement.Series;
        _series.GetOrAdd(series, static key => new MetricAccumulator(key)).Add(in measurement);
    }

    protected override async Task RunOnceAsync(CancellationToken stoppingToken) => await ShipAsync(stoppingToken);

    protected override Task StoppedAsync() => ShipAsync(CancellationToken.None); // what the last second measured

    private async Task ShipAsync(CancellationToken cancellationToken)
    {
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        foreach (var accumulator in _series.Values)
        {
            if (accumulator.Drain(now) is { } aggregate)
            {
                _pending.Add(aggregate);
            }
        }

        _pending.RemoveAll(a => now - a.Timestamp > MetricsIngest.MaxAge - TimeSpan.FromSeconds(30));
        if (_pending.Count == 0)
        {
            return;
        }

        var shipment = _pending.Take(MetricsIngest.MaxAggregatesPerBatch).ToList();
        var status = await client.ShipAsync(new MetricAggregateBatch { Source = options.Value.ControlPlane.Name, Aggregates = shipment }, cancellationToken);
        if ((int)status is >= 200 and < 300)
        {
            _pending.RemoveRange(0, shipment.Count);
            return;
        }

        if ((int)status is >= 400 and < 500 and not 408 and not 429)
        {
            _pending.RemoveRange(0, shipment.Count);
            LogRefused(logger, shipment.Count, (int)status);
            return;
        }

        throw new HttpRequestException($"The control plane answered {(int)status} to a shipment of {shipment.Count} aggregates; they are kept and sent again.", null, status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The control plane refused {Count} aggregates ({Status}); they are dropped.")]
    private static partial void LogRefused(ILogger logger, int count, int status);
}
