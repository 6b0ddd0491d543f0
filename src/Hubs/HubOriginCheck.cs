using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Hubs;

/// <summary><c>Hubs:AllowedOrigins</c>: web origins besides this app's own whose pages may open <c>/hubs/rollouts</c>.</summary>
public sealed class HubOptions : IValidatableObject
{
    public const string Section = "Hubs";

    /// <summary>E.g. <c>https://status.example.com</c>: scheme, host and port only.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AllowedOrigins.Count; i++)
        {
            if (!Uri.TryCreate(AllowedOrigins[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.PathAndQuery != "/" || AllowedOrigins[i].TrimEnd('/').Length != uri.GetLeftPart(UriPartial.Authority).Length)
            {
                yield return new ValidationResult(
                    $"Hubs:AllowedOrigins:{i} must be a web origin such as 'https://status.example.com' (scheme, host and port; no path) — got '{AllowedOrigins[i]}'.",
                    [$"Hubs:AllowedOrigins:{i}"]);
            }
        }
    }
}

/// <summary>
/// A WebSocket is not held back by CORS: without this check any web page a signed-in operator visits could open the
/// hub with the operator's cookie and read every push. A request to the hub that carries an <c>Origin</c> (every browser
/// sends one) must come from this app's own origin or one of <c>Hubs:AllowedOrigins</c>, else 403; programs send no
/// <c>Origin</c> and authenticate with a key.
/// </summary>
internal static class HubOriginCheck
{
    public static IApplicationBuilder UseHubOriginCheck(this IApplicationBuilder app, PathString hubPath) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(hubPath), hub => hub.Use(async (context, next) =>
        {
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length == 0 || IsAllowed(context, origin))
            {
                await next(context);
                return;
            }

            await context.WriteProblemAsync(StatusCodes.Status403Forbidden, "Origin not allowed",
                $"Pages from '{origin}' may not open {hubPath}: only this app's own origin and those in Hubs:AllowedOrigins may.");
        }));

    private static bool IsAllowed(HttpContext context, string origin)
    {
        var own = $"{context.Request.Scheme}://{context.Request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || context.RequestServices.GetRequiredService<IOptionsMonitor<HubOptions>>().CurrentValue.AllowedOrigins
                .Any(allowed => string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }
}
