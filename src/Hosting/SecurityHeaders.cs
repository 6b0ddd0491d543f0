using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// Browser hardening on every response (issue 12): a Content-Security-Policy the whole UI runs under, no framing, no
/// MIME sniffing, no full URLs in referrers to other sites. Scripts come only from this origin or carry this request's
/// nonce (the one inline script is Blazor's import map, rendered with it in <c>App.razor</c>); styles may be inline,
/// because MudBlazor and ApexCharts set <c>style</c> attributes and elements; the Blazor circuit's WebSocket is
/// same-origin (<c>connect-src 'self'</c>). No <c>'unsafe-eval'</c>: nothing in the UI needs it.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The browsable API reference (Scalar) starts itself with an inline module script it renders without a nonce:
    /// its pages alone may run inline scripts. It shows the API document only, holds no session data of its own.
    /// </summary>
    public const string ApiReferencePath = "/api/reference";

    private static readonly object NonceKey = new();

    /// <summary>This request's CSP nonce, for an inline script the app itself renders.</summary>
    public static string CspNonce(this HttpContext context)
    {
        if (context.Items[NonceKey] is string nonce)
        {
            return nonce;
        }

        // base64url: no '+' or '/', which Razor would HTML-encode in the attribute.
        nonce = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    /// <summary>
    /// The policy for one response. <paramref name="formTargets"/> are origins besides this one that a form may lead to
    /// (a single sign-on provider's, from <c>Auth:Oidc:Authority</c>, when configured).
    /// </summary>
    public static string ContentSecurityPolicy(string? nonce, string formTargets, bool apiReference = false) =>
        "default-src 'self'; " +
        (apiReference ? "script-src 'self' 'unsafe-inline'; " : nonce is null ? "script-src 'self'; " : $"script-src 'self' 'nonce-{nonce}'; ") +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        $"form-action 'self'{formTargets}; " +
        "frame-ancestors 'none'";

    /// <summary>
    /// The same headers on an answer that is never a page (the gateway's completions and streams, set before the
    /// upstream answers, without the per-response callback): a policy without a nonce, since no script runs there.
    /// </summary>
    public static void SetForMachineAnswer(IHeaderDictionary headers) => Set(headers, MachineAnswerPolicy);

    private static void Set(IHeaderDictionary headers, string policy)
    {
        headers.ContentSecurityPolicy = policy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
    }

    private static readonly string MachineAnswerPolicy = ContentSecurityPolicy(nonce: null, formTargets: "");

    /// <summary>An HTML answer, or one whose type is not known yet: it may carry inline script that needs the nonce.</summary>
    private static bool IsPage(HttpResponse response) =>
        response.ContentType is not { } type || type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>Sets the headers just before each response starts, so error pages written after a failure carry them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        var formTargets = Uri.TryCreate(configuration["Auth:Oidc:Authority"], UriKind.Absolute, out var authority)
            ? " " + authority.GetLeftPart(UriPartial.Authority)
            : "";
        // Answers that are not pages (the API's JSON, the gateway's completions and streams, /metrics) run no script:
        // they get one policy built here, without a nonce, so the gateway's hot path neither draws random bytes nor
        // builds the policy per request.
        var notAPage = ContentSecurityPolicy(nonce: null, formTargets);
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var (http, targets, fixedPolicy) = ((HttpContext, string, string))state;
                Set(http.Response.Headers, IsPage(http.Response) || http.Items.ContainsKey(NonceKey)
                    ? ContentSecurityPolicy(http.CspNonce(), targets, http.Request.Path.StartsWithSegments(ApiReferencePath))
                    : fixedPolicy);
                return Task.CompletedTask;
            }, (context, formTargets, notAPage));
            return next(context);
        });
    }
}
