using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/models/{name}/versions/{version}/health</c>: the version's health checks (DESIGN.md §5).</summary>
internal static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealthEndpoints(this RouteGroupBuilder api)
    {
        var health = api.MapGroup("/models/{name}/versions/{version}").WithTags("Health");

        health.MapGet("/health", GetAsync)
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("The version's health: status with the reason, its probe and live parts, and its last probes")
            .WithDescription(
                "`status` combines the probes (which hit the version's endpoint, the same in every environment) with the live error rate and "
                + "latency against the environment's limits (`Health:Live:*`, `Health:Environments:{environment}:*`); `failing` names the parts that fail. "
                + "With `environment`, the live part is that environment's and the answer also says the version's traffic weight there; without it, "
                + "the worst environment where the version had traffic, named in `live.environment`. `probeHealth` is what the probes alone say, "
                + "as the deployment health gate reads it.");

        return api;
    }

    private static async Task<VersionHealthResponse> GetAsync(
        VersionService versions,
        RouteService routes,
        HealthReader health,
        string name,
        string version,
        string? environment,
        CancellationToken ct)
    {
        var info = await versions.GetAsync(name, version, ct);
        int? weight = null;
        if (environment is not null)
        {
            if (!(await routes.ListEnvironmentsAsync(ct)).Any(e => e.Name == environment))
            {
                throw new NotFoundException($"Environment '{environment}' does not exist.");
            }

            var route = await routes.FindAsync(environment, name, ct);
            weight = route?.Splits.FirstOrDefault(s => s.Version == version)?.Weight ?? 0;
        }

        var combined = health.Get(name, version, environment);
        var h = combined.Probe;
        return new VersionHealthResponse(
            name,
            version,
            environment,
            weight,
            info.Endpoint,
            combined.Status,
            combined.Reason,
            h.CheckedAt,
            [.. h.Probes.Reverse().Select(p => new ProbeResponse(p.At, p.Ok, p.StatusCode, Math.Round(p.LatencyMs, 1), p.Error))],
            Round(h.ResponseTimeMs),
            Round(h.LastResponseTimeMs),
            h.ErrorRate,
            h.Availability,
            combined.Failing,
            new ProbeHealthResponse(h.Status, h.Reason),
            combined.Live is { } live ? LiveHealthResponse.From(live) : null);
    }

    private static double? Round(double? ms) => ms is { } value ? Math.Round(value, 1) : null;
}

/// <summary>
/// The wire shape of a version's health. <see cref="Status"/> and <see cref="Reason"/> are the combined health;
/// <see cref="ResponseTimeMs"/>, <see cref="ErrorRate"/> and <see cref="Availability"/> describe the probes, which are
/// newest first.
/// </summary>
internal sealed record VersionHealthResponse(
    string Model,
    string Version,
    string? Environment,
    int? TrafficWeight,
    string Endpoint,
    HealthStatus Status,
    string Reason,
    DateTime? CheckedAt,
    IReadOnlyList<ProbeResponse> Probes,
    double? ResponseTimeMs,
    double? LastResponseTimeMs,
    double? ErrorRate,
    double? Availability,
    IReadOnlyList<HealthCause> Failing,
    ProbeHealthResponse ProbeHealth,
    LiveHealthResponse? Live);

/// <summary>What the probes alone say.</summary>
internal sealed record ProbeHealthResponse(HealthStatus Status, string Reason);

/// <summary>
/// The live part: figures over <see cref="WindowSeconds"/> in <see cref="Environment"/>; <see cref="ErrorRate"/> is a
/// fraction as in the metrics summary, the limit's <c>MaxErrorRate</c> a percentage as in its setting.
/// </summary>
internal sealed record LiveHealthResponse(
    string Environment,
    HealthStatus Status,
    string Reason,
    bool Judged,
    long Requests,
    double ErrorRate,
    double AvgLatencyMs,
    int WindowSeconds,
    IReadOnlyList<HealthCause> Failing,
    LiveLimitsResponse Limits)
{
    public static LiveHealthResponse From(LiveHealth live) => new(
        live.Environment,
        live.Status,
        live.Reason,
        live.Judged,
        live.Requests,
        Math.Round(live.ErrorRate, 4),
        Math.Round(live.AvgLatencyMs, 1),
        live.WindowSeconds,
        live.Failing,
        new LiveLimitsResponse(live.Limits.MaxErrorRate, live.Limits.MaxAvgLatencyMs, live.Limits.WindowSeconds, live.Limits.MinRequests));
}

internal sealed record LiveLimitsResponse(double MaxErrorRate, double MaxAvgLatencyMs, int WindowSeconds, int MinRequests);

internal sealed record ProbeResponse(DateTime At, bool Ok, int? StatusCode, double LatencyMs, string? Error);
