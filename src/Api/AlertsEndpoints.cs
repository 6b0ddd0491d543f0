using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/alert-rules</c> and <c>/api/v1/alerts</c>.</summary>
internal static class AlertsEndpoints
{
    public static RouteGroupBuilder MapAlertsEndpoints(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/alert-rules").WithTags("Alerts");
        rules.MapGet("/", (AlertRuleService service, CancellationToken ct) => service.ListAsync(ct)).RequiresRole(ActorRole.Viewer).WithSummary("Every alert rule");
        rules.MapGet("/{id:int}", (AlertRuleService service, int id, CancellationToken ct) => service.GetAsync(id, ct)).RequiresRole(ActorRole.Viewer).WithSummary("One rule");
        rules.MapPost("/", async (AlertRuleService service, ClaimsPrincipal user, AlertRuleRequest request, CancellationToken ct) =>
            {
                var created = await service.CreateAsync(user.ToActor(), request, ct);
                return TypedResults.Created($"/api/v1/alert-rules/{created.Id}", created);
            })
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Create a rule (rates in percent, latency in ms)");
        rules.MapPut("/{id:int}", (AlertRuleService service, ClaimsPrincipal user, int id, AlertRuleRequest request, CancellationToken ct) =>
                service.UpdateAsync(user.ToActor(), id, request, ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Replace a rule");
        rules.MapDelete("/{id:int}", async (AlertRuleService service, ClaimsPrincipal user, int id, CancellationToken ct) =>
            {
                await service.DeleteAsync(user.ToActor(), id, ct);
                return TypedResults.NoContent();
            })
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Delete a rule; its open alerts resolve");

        var alerts = api.MapGroup("/alerts").WithTags("Alerts");
        alerts.MapGet("/", (AlertService service, string? state, string? model, string? environment, int? page, int? pageSize, CancellationToken ct) =>
                service.ListAsync(ParseState(state), model, environment, page ?? 1, pageSize ?? 100, ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Alerts, newest first; state = firing | acknowledged | resolved");
        alerts.MapGet("/{id:long}", (AlertService service, long id, CancellationToken ct) => service.GetAsync(id, ct)).RequiresRole(ActorRole.Viewer).WithSummary("One alert");
        alerts.MapPost("/{id:long}/acknowledge", (AlertService service, ClaimsPrincipal user, long id, AcknowledgeAlertRequest? request, CancellationToken ct) =>
                service.AcknowledgeAsync(user.ToActor(), id, request ?? new AcknowledgeAlertRequest(), ct))
            .RequiresRole(ActorRole.Operator)
            .WithSummary("Acknowledge a firing alert, with an optional note");
        return api;
    }

    private static AlertState? ParseState(string? state) => state switch
    {
        null or "" => null,
        _ when Enum.TryParse<AlertState>(state, ignoreCase: true, out var parsed) && !int.TryParse(state, out _) => parsed,
        _ => throw new ValidationFailedException("state", $"'state' must be firing, acknowledged or resolved (got '{state}')."),
    };
}
