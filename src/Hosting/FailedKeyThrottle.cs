using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// Guessing keys costs: every wrong key (on the API, the gateway, the hub, <c>/metrics</c>) takes one attempt from its
/// client address's budget (<c>RateLimiting:FailedKeyBurst</c>, regaining <c>FailedKeysPerMinute</c>); once the address
/// has none left, any request from it that presents a key gets 429 before authentication looks the key up. Requests
/// without a key (signed-in people, the anonymous actor) are not held back by it.
/// </summary>
internal sealed class FailedKeyThrottle(IOptionsMonitor<RateLimitingOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _attempts = PartitionedRateLimiter.Create<string, string>(address =>
    {
        var settings = options.CurrentValue;
        return RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.FailedKeyBurst,
            TokensPerPeriod = settings.FailedKeysPerMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    });

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!options.CurrentValue.Enabled || !PresentsKey(context.Request))
        {
            await next(context);
            return;
        }

        var address = ApiRateLimiting.ClientAddress(context);
        using (var left = _attempts.AttemptAcquire(address, permitCount: 0))
        {
            if (!left.IsAcquired)
            {
                await RejectAsync(context, left);
                return;
            }
        }

        await next(context);

        // The authentication handler's result is cached for the request: asking again does not look the key up twice.
        if ((await context.AuthenticateAsync(ActorAuthenticationHandler.SchemeName)).Failure is not null)
        {
            _attempts.AttemptAcquire(address).Dispose();
        }
    }

    public void Dispose() => _attempts.Dispose();

    private static bool PresentsKey(HttpRequest request) =>
        request.Headers.ContainsKey(AuthOptions.ApiKeyHeader) || request.Headers.Authorization.Count > 0;

    private async Task RejectAsync(HttpContext context, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : (int)Math.Ceiling(60.0 / options.CurrentValue.FailedKeysPerMinute);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many wrong API keys",
                Detail = $"Too many requests from this address presented a key that matches none; retry after {retryAfter} s with a valid key.",
            },
        });
    }
}

internal static class FailedKeyThrottleRegistration
{
    /// <summary>Goes before <c>UseAuthentication</c>: it refuses before a key is looked up, and counts after.</summary>
    public static IApplicationBuilder UseFailedKeyThrottle(this IApplicationBuilder app)
    {
        var throttle = app.ApplicationServices.GetRequiredService<FailedKeyThrottle>();
        return app.Use((context, next) => throttle.InvokeAsync(context, next));
    }
}
