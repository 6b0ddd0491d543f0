using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelRegistry.Dashboard.Api;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>The gateway's lane: who the caller is, then the forwarder (see <see cref="GatewayEndpoints.UseGatewayLane"/>).</summary>
internal sealed class GatewayLane(
    GatewayForwarder forwarder,
    ApiKeyAuthenticator keys,
    FailedKeyThrottle throttle,
    GatewayAnswerHeaders answerHeaders,
    ILogger<GatewayLane> logger)
{
    public async Task HandleAsync(HttpContext context, string environment, string path)
    {
        answerHeaders.Apply(context);
        try
        {
            if (await CallerAsync(context) is { } actor)
            {
                await forwarder.ForwardAsync(context, actor, environment, path);
            }
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // As the app's exception handler does for its own requests: a request Kestrel found malformed (a body
            // cut short, one over the server's limit) is the caller's problem, a busy database is worth retrying,
            // anything else is the server's and is logged as an error.
            var (status, level, type, code, message) = e switch
            {
                BadHttpRequestException bad => (bad.StatusCode, LogLevel.Information, "invalid_request_error", "bad_request", bad.Message),
                _ when TransientDatabaseErrors.Matches(e) => (StatusCodes.Status503ServiceUnavailable, LogLevel.Warning, "server_error", "database_busy",
                    $"The database is busy with other writes; retry in {OperationExceptionHandler.RetryAfterSeconds} s."),
                _ => (StatusCodes.Status500InternalServerError, LogLevel.Error, "server_error", "internal_error",
                    "The gateway failed to handle the request; it is logged on the server."),
            };
            logger.Log(level, e, "The gateway answered {Status} to {Method} {Path}", status, context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            answerHeaders.Apply(context);
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = OperationExceptionHandler.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }

            await OpenAIErrors.WriteAsync(context, status, message, type, code);
        }
    }

    /// <summary>
    /// The actor of the caller's key (<c>Authorization: Bearer</c> or <c>X-Api-Key</c>), or — without one — whoever
    /// the app's authentication makes of the request (a signed-in person's cookie, the anonymous actor). Null once a
    /// refusal is written: a wrong key (401, counted against its address), an address out of wrong-key attempts (429),
    /// or nobody (401).
    /// </summary>
    private async Task<Actor?> CallerAsync(HttpContext context)
    {
        Actor? actor;
        if (ApiKeyAuthenticator.TryGetPresented(context.Request, bearerAllowed: true, out var presented))
        {
            var address = ApiRateLimiting.ClientAddress(context);
            if (throttle.IsSpent(address))
            {
                context.Response.Headers.RetryAfter = throttle.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await OpenAIErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests,
                    throttle.RefusalDetail, "requests", "too_many_wrong_keys");
                return null;
            }

            actor = await keys.AuthenticateAsync(presented, demoAllowed: ActorAuthenticationHandler.IsLoopback(context), context.RequestAborted);
            if (actor is null)
            {
                throttle.CountWrongKey(address);
                await OpenAIErrors.WriteAsync(context, StatusCodes.Status401Unauthorized,
                    "The API key is not a key of this app, or it was revoked or has expired.", "invalid_request_error", "invalid_api_key");
                return null;
            }
        }
        else
        {
            var result = await context.AuthenticateAsync(ActorAuthenticationHandler.SchemeName);
            actor = result.Succeeded ? result.Principal.ToActor() : null;
        }

        if (actor is not { CanCallGateway: true })
        {
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status401Unauthorized,
                "The gateway needs an API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key'.", "invalid_request_error", "invalid_api_key");
            return null;
        }

        return actor;
    }
}
