using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>
/// <c>{app}/gateway/{environment}/v1/{**path}</c>: the OpenAI-compatible data plane. The body's <c>model</c> names the
/// registered model; the live route picks the version (sticky by <c>X-Session-Id</c> or the body's <c>user</c>, never an
/// unhealthy version); YARP forwards to <c>{version endpoint}v1/{path}</c>; the response is measured on its way back and
/// recorded straight into the telemetry store, with the error taxonomy of <see cref="ErrorTypes"/>.
/// </summary>
public static class GatewayEndpoints
{
    public const string PathBase = "/gateway";
    public const string SessionHeader = "X-Session-Id";
    public const string VersionHeader = "X-Model-Version";
    public const string RevisionHeader = "X-Route-Revision";

    /// <summary>
    /// Gateway requests take a lane of their own, first in the pipeline: the caller's key, the wrong-key throttle, the
    /// security headers of an answer that is never a page, and an OpenAI-shaped 500 if something throws — then the
    /// forwarder. They skip the app's middleware (exception and status-code pages, HSTS, cookie sign-in, the API's rate
    /// limiter, authorisation policies, antiforgery) and routing over the app's endpoint table, none of which applies to
    /// them: that pipeline cost the gateway ~20 µs of CPU a request, a fifth of its throughput against bare YARP
    /// (docs/benchmarks.md, f). Anything else under <see cref="PathBase"/> goes on to the app (and its 404).
    /// </summary>
    public static IApplicationBuilder UseGatewayLane(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Mode == GatewayMode.Off)
        {
            return app;
        }

        var lane = ActivatorUtilities.CreateInstance<GatewayLane>(app.Services);
        return app.Use((context, next) => TryMatch(context.Request.Path, out var environment, out var path)
            ? lane.HandleAsync(context, environment, path)
            : next(context));
    }

    /// <summary><c>/gateway/{environment}/v1</c> or <c>/gateway/{environment}/v1/{**path}</c>.</summary>
    internal static bool TryMatch(PathString requestPath, out string environment, out string path)
    {
        environment = path = "";
        if (!requestPath.StartsWithSegments(PathBase, StringComparison.OrdinalIgnoreCase, out var rest) || !rest.HasValue)
        {
            return false;
        }

        var value = rest.Value.AsSpan(1); // after "/gateway/"
        var slash = value.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var afterEnvironment = value[(slash + 1)..];
        if (!afterEnvironment.StartsWith("v1", StringComparison.OrdinalIgnoreCase) || (afterEnvironment.Length > 2 && afterEnvironment[2] != '/'))
        {
            return false;
        }

        environment = value[..slash].ToString();
        path = afterEnvironment.Length > 3 ? afterEnvironment[3..].ToString() : "";
        return true;
    }
}
