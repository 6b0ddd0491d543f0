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
