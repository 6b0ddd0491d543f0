using ModelRegistry.Dashboard.Core;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/users</c>: the people who sign in (Admin only; DESIGN.md §5 "Access").</summary>
internal static class UsersEndpoints
{
    public static RouteGroupBuilder MapUsersEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");

        users.MapGet("/", (UserService service, ClaimsPrincipal user, CancellationToken ct) => service.ListAsync(user.ToActor(), ct))
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Every user with their role, whether disabled, and a lockout in force");

        users.MapPost("/", async (UserService service, ClaimsPrincipal user, CreateUserRequest request, CancellationToken ct) =>
            {
                var created = await service.CreateAsync(user.ToActor(), request, ct);
                return TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(created.Email)}", created);
            })
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Add a user: {email, password, role} with role Viewer, Operator or Admin");

        users.MapPatch("/{email}", (UserService service, ClaimsPrincipal user, string email, UpdateUserRequest request, CancellationToken ct) =>
                service.UpdateAsync(user.ToActor(), email, request, ct))
            .RequiresRole(ActorRole.Admin)
            .WithSummary("Change a user's role, disable or enable them, or set a new password; the last enabled Admin stays");

        return api;
    }
}
