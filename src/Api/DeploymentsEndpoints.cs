using ModelRegistry.Dashboard.Core;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/deployments</c>.</summary>
internal static class DeploymentsEndpoints
{
    public static RouteGroupBuilder MapDeploymentsEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/deployments").WithTags("Deployments");
        group.MapPost("/", async (DeploymentService service, ClaimsPrincipal user, CreateDeploymentRequest request, CancellationToken ct) =>
            {
                var created = await service.CreateAsync(user.ToActor(), request, ct);
                return TypedResults.Created($"/api/v1/deployments/{created.Id}", created);
            })
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Launch a deployment (direct, blueGreen or canary); a snapshot is taken first");
        group.MapGet("/", (DeploymentService service, string? model, string? environment, string? status, CancellationToken ct) =>
                service.ListAsync(new DeploymentQuery(model, environment, status), ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Deployments, newest first");
        group.MapGet("/{id:long}", (DeploymentService service, long id, CancellationToken ct) => service.GetAsync(id, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("One deployment with its events and verdicts");
        group.MapPost("/{id:long}/promote", (DeploymentService service, ClaimsPrincipal user, long id, PromoteRequest? request, CancellationToken ct) =>
                service.PromoteAsync(user.ToActor(), id, request?.Full ?? false, request?.ExpectedStamp, ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Next canary step now, or with full=true straight to 100%");
        group.MapPost("/{id:long}/pause", (DeploymentService service, ClaimsPrincipal user, long id, DeploymentCommandRequest? request, CancellationToken ct) =>
                service.PauseAsync(user.ToActor(), id, request?.ExpectedStamp, ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Hold at the current traffic");
        group.MapPost("/{id:long}/resume", (DeploymentService service, ClaimsPrincipal user, long id, DeploymentCommandRequest? request, CancellationToken ct) =>
                service.ResumeAsync(user.ToActor(), id, request?.ExpectedStamp, ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Continue a paused deployment");
        group.MapPost("/{id:long}/rollback", (DeploymentService service, ClaimsPrincipal user, long id, RollbackRequest request, CancellationToken ct) =>
                service.RollbackAsync(user.ToActor(), id, request.Reason, request.ExpectedStamp, ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Return the route to the pre-deployment snapshot (reason required)");
        return api;
    }
}
