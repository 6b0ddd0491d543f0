using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// <c>RateLimiting:*</c>: how many API requests each actor may make (a key or a signed-in user; callers without either —
/// the anonymous actor, no credentials, a wrong key — per client address), and how many wrong keys an address may send.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests a second per actor. A metric batch may carry 10,000 events, so 200 is ample.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimiting:PermitsPerSecond must be between 1 and 1000000.")]
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Requests an actor may make at once before the per-second rate applies.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimiting:Burst must be between 1 and 1000000.")]
    public int Burst { get; set; } = 400;

    /// <summary>Wrong keys a client address may send in a row before any request from it that presents a key gets 429.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimiting:FailedKeyBurst must be between 1 and 1000000.")]
    public int FailedKeyBurst { get; set; } = 20;

    /// <summary>How many wrong-key attempts an address regains a minute.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimiting:FailedKeysPerMinute must be between 1 and 1000000.")]
    public int FailedKeysPerMinute { get; set; } = 10;
}

/// <summary>
/// The REST API's rate limit (DESIGN.md §5: 429 when rate limited): ASP.NET Core's rate limiter with a token bucket per
/// actor, so one noisy API key cannot starve the others; callers who are nobody in particular (the anonymous actor, no
/// credentials, a wrong key) each get the bucket of their client address, so they cannot starve each other either. The
/// limiter runs after authentication but before authorization, so unauthenticated requests count before their 401.
/// A refusal is problem details with <c>Retry-After</c>. Wrong keys are throttled on every path by <see cref="FailedKeyThrottle"/>.
/// </summary>
public static class ApiRateLimiting
{
    public const string Policy = "per-actor";

    public static IHostApplicationBuilder AddApiRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<FailedKeyThrottle>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
                if (!options.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }

                return RateLimitPartition.GetTokenBucketLimiter(PartitionOf(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = RejectAsync;
        });
        return builder;
    }

    /// <summary>
    /// A key or a signed-in user is its own partition; everyone else (the anonymous actor, nobody, a wrong key) is
    /// partitioned by client address. Behind a reverse proxy the address is the proxy's unless forwarded headers are applied.
    /// </summary>
    internal static string PartitionOf(HttpContext context)
    {
        var auth = context.RequestServices.GetRequiredService<IOptionsMonitor<AuthOptions>>().CurrentValue;
        return context.User.Identity is { IsAuthenticated: true, Name: { } name } && !IsAnonymousActor(context.User, auth)
            ? "actor:" + name
            : "address:" + ClientAddress(context);
    }

    /// <summary>The actor <c>Auth:Anonymous</c> stands in for callers without credentials (not a key, not a person).</summary>
    internal static bool IsAnonymousActor(System.Security.Claims.ClaimsPrincipal user, AuthOptions auth) =>
        auth.Anonymous.Enabled && !user.IsSignedInPerson() && string.Equals(user.Identity?.Name, auth.Anonymous.Name, StringComparison.Ordinal);

    internal static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        var retryAfter = http.SetRetryAfter(rejected.Lease);
        await http.WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many requests",
            $"{http.User.Identity?.Name ?? "This client"} may make {options.PermitsPerSecond} API requests a second " +
            $"(bursts of {options.Burst}); retry after {retryAfter} s, or send larger batches.");
    }
}
