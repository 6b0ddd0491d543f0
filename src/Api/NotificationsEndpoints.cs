using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Notifications;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/notification-channels</c>: where alerts and deployment outcomes are sent (Admin; DESIGN.md §5).</summary>
internal static class NotificationsEndpoints
{
    public static RouteGroupBuilder MapNotificationsEndpoints(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/notification-channels").WithTags("Notifications");

        channels.MapGet("/", (ChannelService service, ClaimsPrincipal user, CancellationToken ct) => service.ListAsync(user.ToActor(), ct))
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Every channel with its filters (never its secret)");
        channels.MapGet("/{id:long}", (ChannelService service, ClaimsPrincipal user, long id, CancellationToken ct) => service.GetAsync(user.ToActor(), id, ct))
            .RequiresRole(ActorRole.Admin)
            .WithSummary("One channel");
        channels.MapPost("/", async (ChannelService service, ClaimsPrincipal user, ChannelRequest request, CancellationToken ct) =>
            {
                var created = await service.CreateAsync(user.ToActor(), request, ct);
                return TypedResults.Created($"/api/v1/notification-channels/{created.Id}", created);
            })
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Add a channel {name, kind: webhook|slack, url, secret?, events?, models?, environments?, minSeverity?}");
        channels.MapPut("/{id:long}", (ChannelService service, ClaimsPrincipal user, long id, ChannelRequest request, CancellationToken ct) =>
                service.UpdateAsync(user.ToActor(), id, request, ct))
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Replace a channel (a missing secret keeps the one it has)");
        channels.MapDelete("/{id:long}", async (ChannelService service, ClaimsPrincipal user, long id, CancellationToken ct) =>
            {
                await service.DeleteAsync(user.ToActor(), id, ct);
                return TypedResults.NoContent();
            })
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Delete a channel; its pending deliveries are given up");
        channels.MapPost("/{id:long}/test", async (ChannelService service, ClaimsPrincipal user, long id, CancellationToken ct) =>
                TypedResults.Accepted((string?)null, new { eventId = await service.SendTestAsync(user.ToActor(), id, ct) }))
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Send a test event to this channel; its delivery shows in the log");
        channels.MapGet("/{id:long}/deliveries", (ChannelService service, ClaimsPrincipal user, long id, CancellationToken ct) =>
                service.DeliveriesAsync(user.ToActor(), id, ct))
            .RequiresRole(ActorRole.Admin)
            .WithSummary("The channel's last 200 deliveries: event, attempts, status code or error, next retry");
        channels.MapPost("/{id:long}/deliveries/{deliveryId:long}/retry", async (ChannelService service, ClaimsPrincipal user, long id, long deliveryId, CancellationToken ct) =>
            {
                await service.RetryAsync(user.ToActor(), id, deliveryId, ct);
                return TypedResults.NoContent();
            })
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Try a dead delivery again now");
        return api;
    }
}
