using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// A caller who may not post never gets its body read: one the authorization policy refuses (401, or 403 for an
/// Inference key) and one whose role is below the endpoint's <see cref="Api.MinimumRole"/> (403, answered here before
/// the endpoint binds the body; the engine would refuse the same caller after reading it). The connection is closed
/// after the refusal instead of Kestrel draining the rest of the upload (up to its 30 MB limit) to keep it alive.
/// </summary>
internal sealed class RefusedCallerBodies : IAuthorizationMiddlewareResultHandler
{
    /// <summary>Goes after <c>UseAuthorization</c>: the caller is known, the endpoint not yet run.</summary>
    public static Task RefuseBelowMinimumRoleAsync(HttpContext context, RequestDelegate next)
    {
        if (HasBody(context.Request)
            && context.GetEndpoint()?.Metadata.GetMetadata<Api.MinimumRole>() is { } minimum
            && context.User.Identity?.IsAuthenticated == true
            && context.User.ToActor().RefusalOf(minimum.Role, $"{context.Request.Method} {context.Request.Path}") is { } refusal)
        {
            Close(context);
            return context.WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", refusal);
        }

        return next(context);
    }

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && HasBody(context.Request))
        {
            Close(context);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private static void Close(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = 0;
        }

        context.Response.Headers.Connection = "close";
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
}
