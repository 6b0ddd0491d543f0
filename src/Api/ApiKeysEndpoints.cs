using ModelRegistry.Dashboard.Core;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/api-keys</c>: keys made in the app (Admin only; DESIGN.md §5 "Access").</summary>
internal static class ApiKeysEndpoints
{
    public static RouteGroupBuilder MapApiKeysEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys");

        keys.MapGet("/", (ApiKeyService service, ClaimsPrincipal user, CancellationToken ct) => service.ListAsync(user.ToActor(), ct))
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Every key: name, prefix, role, scopes, creator, last use, expiry and whether revoked (never a secret)");

        keys.MapPost("/", async (ApiKeyService service, ClaimsPrincipal user, CreateApiKeyRequest request, CancellationToken ct) =>
            {
                var created = await service.CreateAsync(user.ToActor(), request, ct);
                return TypedResults.Created($"/api/v1/api-keys/{created.Id}", created);
            })
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Create a key {name, role, scopes?: {models?, environments?}, expiresAt?}: the answer holds its secret, once");

        keys.MapDelete("/{id:long}", async (ApiKeyService service, ClaimsPrincipal user, long id, CancellationToken ct) =>
            {
                await service.RevokeAsync(user.ToActor(), id, ct);
                return TypedResults.NoContent();
            })
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Revoke a key: its next request gets 401");

        return api;
    }
}
