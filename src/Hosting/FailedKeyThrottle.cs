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
        if (IsSpent(address))
        {
            await RejectAsync(context);
            return;
        }

        // Counted before the request goes on, so the attempt is spent by the time its 401 reaches the caller. The
        // handler's result is cached for the request: authentication later in the pipeline does not look the key up again.
        if ((await context.AuthenticateAsync(ActorAuthenticationHandler.SchemeName)).Failure is not null)
        {
            CountWrongKey(address);
        }

        await next(context);
    }

    /// <summary>
    /// Whether <paramref name="address"/> has no wrong-key attempt left (always false when rate limiting is off).
    /// Asked as "is one whole attempt left?": the token bucket refills continuously, so a probe for zero permits
    /// succeeds on any fraction of a token and would let every wrong key through once the budget is spent.
    /// </summary>
    public bool IsSpent(string address) =>
        options.CurrentValue.Enabled && _attempts.GetStatistics(address) is { CurrentAvailablePermits: < 1 };

    /// <summary>A key from <paramref name="address"/> matched none: one attempt of its budget is spent.</summary>
    public void CountWrongKey(string address)
    {
        if (options.CurrentValue.Enabled)
        {
            _attempts.AttemptAcquire(address).Dispose();
        }
    }

    /// <summary>Seconds until an address whose budget is spent regains one attempt.</summary>
    public int RetryAfterSeconds => (int)Math.Ceiling(60.0 / options.CurrentValue.FailedKeysPerMinute);

    /// <summary>Why an address out of wrong-key attempts is refused, and when to retry.</summary>
    public string RefusalDetail =>
        $"Too many requests from this address presented a key that matches none; retry after {RetryAfterSeconds} s with a valid key.";

    public void Dispose() => _attempts.Dispose();

    private static bool PresentsKey(HttpRequest request) =>
        request.Headers.ContainsKey(AuthOptions.ApiKeyHeader) || request.Headers.Authorization.Count > 0;

    private Task RejectAsync(HttpContext context)
    {
        var retryAfter = RetryAfterSeconds;
        context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return context.WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many wrong API keys",
            RefusalDetail);
    }
}

internal static class FailedKeyThrottleRegistration
{
    /// <summary>Goes before <c>UseAuthentication</c>: it refuses before a key is looked up.</summary>
    public static IApplicationBuilder UseFailedKeyThrottle(this IApplicationBuilder app)
    {
        var throttle = app.ApplicationServices.GetRequiredService<FailedKeyThrottle>();
        return app.Use((context, next) => throttle.InvokeAsync(context, next));
    }
}
