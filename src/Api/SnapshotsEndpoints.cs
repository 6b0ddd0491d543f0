using ModelRegistry.Dashboard.Core;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/snapshots</c>.</summary>
internal static class SnapshotsEndpoints
{
    public static RouteGroupBuilder MapSnapshotsEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/snapshots").WithTags("Snapshots");
        group.MapGet("/", (SnapshotService service, string? model, string? environment, CancellationToken ct) => service.ListAsync(model, environment, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Snapshots, newest first");
        group.MapGet("/{id:long}", async (SnapshotService service, long id, CancellationToken ct) =>
                new SnapshotDetail(await service.GetAsync(id, ct), await service.DiffAsync(id, ct)))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("One snapshot with its diff against the current route");
        group.MapPost("/", async (SnapshotService service, ClaimsPrincipal user, TakeSnapshotRequest request, CancellationToken ct) =>
            {
                var taken = await service.TakeAsync(user.ToActor(), request, ct);
                return TypedResults.Created($"/api/v1/snapshots/{taken.Id}", taken);
            })
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Take a snapshot of a route by hand (reason required)");
        group.MapPost("/{id:long}/restore", (SnapshotService service, ClaimsPrincipal user, long id, RestoreSnapshotRequest request, CancellationToken ct) =>
                service.RestoreAsync(user.ToActor(), id, request.Reason, request.ExpectedRevision, ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Put the route back to the snapshot in one write (reason required)");
        return api;
    }
}
