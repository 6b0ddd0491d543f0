using ModelRegistry.Dashboard.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/environments</c> and their routes (read-only: routes change through deployments).</summary>
internal static class EnvironmentsEndpoints
{
    public static RouteGroupBuilder MapEnvironmentsEndpoints(this RouteGroupBuilder api)
    {
        var environments = api.MapGroup("/environments").WithTags("Environments and routes");

        environments.MapGet("/", (RouteService routes, CancellationToken ct) => routes.ListEnvironmentsAsync(ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Environments, staging first");

        environments.MapGet("/{environment}/routes", (RouteService routes, string environment, CancellationToken ct) =>
                routes.ListAsync(environment, null, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Every route in an environment");

        environments.MapGet("/{environment}/routes/{model}", (RouteService routes, string environment, string model, CancellationToken ct) =>
                routes.GetAsync(environment, model, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("The traffic split of one model in one environment");

        return api;
    }
}
