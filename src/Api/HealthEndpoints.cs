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
            .WithSummary("The version's health: status with the reason, and its last probes")
            .WithDescription("Probes hit the version's endpoint, which is the same in every environment; with `environment`, the answer also says the version's traffic weight there.");

        return api;
    }

    private static async Task<VersionHealthResponse> GetAsync(
        VersionService versions,
        RouteService routes,
        HealthRegistry registry,
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

        var h = registry.Get(name, version);
        return new VersionHealthResponse(
            name,
            version,
            environment,
            weight,
            info.Endpoint,
            h.Status,
            h.Reason,
            h.CheckedAt,
            [.. h.Probes.Reverse().Select(p => new ProbeResponse(p.At, p.Ok, p.StatusCode, Math.Round(p.LatencyMs, 1), p.Error))],
            Round(h.ResponseTimeMs),
            Round(h.LastResponseTimeMs),
            h.ErrorRate,
            h.Availability);
    }

    private static double? Round(double? ms) => ms is { } value ? Math.Round(value, 1) : null;
}

/// <summary>The wire shape of a version's health. <see cref="Probes"/> are newest first.</summary>
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
    double? Availability);

internal sealed record ProbeResponse(DateTime At, bool Ok, int? StatusCode, double LatencyMs, string? Error);
