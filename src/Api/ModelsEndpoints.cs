using ModelRegistry.Dashboard.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Security.Claims;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/models</c>: the catalogue, its versions and compatibility (DESIGN.md §5).</summary>
internal static class ModelsEndpoints
{
    public static RouteGroupBuilder MapModelsEndpoints(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models");

        models.MapGet("/", (ModelService service, string? search, string? tag, string? owner, int? page, int? pageSize, CancellationToken ct) =>
                service.SearchAsync(new ModelQuery(search, tag, owner, page ?? 1, pageSize ?? 50), ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Search the catalogue, paged");

        models.MapPost("/", async (ModelService service, ClaimsPrincipal user, RegisterModelRequest request, CancellationToken ct) =>
            {
                var created = await service.RegisterAsync(user.ToActor(), request, ct);
                return TypedResults.Created($"/api/v1/models/{created.Name}", created);
            })
            .RequiresRole(ActorRole.Automation)
            .WithSummary("Register a model");

        models.MapGet("/{name}", (ModelService service, string name, CancellationToken ct) => service.GetAsync(name, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("A model with its versions (newest first) and routes");

        models.MapPatch("/{name}", (ModelService service, ClaimsPrincipal user, string name, UpdateModelRequest request, CancellationToken ct) =>
                service.UpdateAsync(user.ToActor(), name, request, ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Edit display name, description, owner or tags");

        models.MapGet("/{name}/versions", (VersionService service, string name, CancellationToken ct) => service.ListAsync(name, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Versions, newest first by SemVer precedence");

        models.MapPost("/{name}/versions", async (VersionService service, ClaimsPrincipal user, string name, RegisterVersionRequest request, CancellationToken ct) =>
            {
                var created = await service.RegisterAsync(user.ToActor(), name, request, ct);
                return TypedResults.Created($"/api/v1/models/{name}/versions/{created.Version}", created);
            })
            .RequiresRole(ActorRole.Automation)
            .WithSummary("Register an immutable version");

        models.MapGet("/{name}/versions/{version}", (VersionService service, string name, string version, CancellationToken ct) =>
                service.GetAsync(name, version, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("One version");

        models.MapPatch("/{name}/versions/{version}", (VersionService service, ClaimsPrincipal user, string name, string version, UpdateVersionRequest request, CancellationToken ct) =>
                service.UpdateAsync(user.ToActor(), name, version, request, ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Edit description, tags or status (409 when archiving a version that serves traffic)");

        models.MapGet("/{name}/compatibility", (VersionService service, string name, string? from, string? to, CancellationToken ct) =>
                service.CheckCompatibilityAsync(name, from, to, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Whether two versions are compatible (same MAJOR), with the reason");

        return api;
    }
}
