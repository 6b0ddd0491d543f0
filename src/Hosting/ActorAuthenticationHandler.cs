using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Demo;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// Turns a request into the actor the engine authorises: an <c>X-Api-Key</c> header (or, on the gateway, a bearer
/// token) must match a key (else 401); otherwise the signed-in user of the Identity cookie; otherwise, when
/// <c>Auth:Anonymous:Enabled</c>, the anonymous actor — and else nobody, so the fallback policy challenges: a browser
/// asking for a page is sent to <c>/account/login</c>, anything else gets 401. The demo's own per-process key
/// (<see cref="DemoGatewayKey"/>) is honoured on the gateway from loopback only.
/// </summary>
internal sealed class ActorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptionsMonitor<AuthOptions> authOptions,
    IAuthenticationSchemeProvider schemes,
    ApiKeyAuthenticator keys,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Actor";

    public const string LoginPath = "/account/login";

    /// <summary>Paths that never answer with a sign-in page: machine callers get a 401 there.</summary>
    private static readonly string[] MachinePaths = ["/api", "/hubs", Gateway.GatewayEndpoints.PathBase, "/metrics", "/healthz", "/demo-backends", "/account/signin"];

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var options = authOptions.CurrentValue;
        var onGateway = Request.Path.StartsWithSegments(Gateway.GatewayEndpoints.PathBase);
        if (ApiKeyAuthenticator.TryGetPresented(Request, bearerAllowed: onGateway, out var presented))
        {
            return await keys.AuthenticateAsync(presented, demoAllowed: onGateway && FromLoopback(), Context.RequestAborted) is { } actor
                ? Success(actor.Name, actor.Role, scope: actor.Scope)
                : AuthenticateResult.Fail("The API key is not a key of this app, or it was revoked or has expired.");
        }

        if (await schemes.GetSchemeAsync(IdentityConstants.ApplicationScheme) is not null)
        {
            var cookie = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            if (cookie.Succeeded && cookie.Principal.Identity is { IsAuthenticated: true, Name: { } name })
            {
                var role = Enum.TryParse<ActorRole>(cookie.Principal.FindFirstValue(ClaimTypes.Role), out var parsed) ? parsed : ActorRole.Viewer;
                return Success(name, role, signedIn: true);
            }
        }

        return options.Anonymous.Enabled ? Success(options.Anonymous.Name, options.Anonymous.Role) : AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (HttpMethods.IsGet(Request.Method) && !MachinePaths.Any(p => Request.Path.StartsWithSegments(p)))
        {
            var back = Request.PathBase + Request.Path + Request.QueryString;
            Response.Redirect($"{Request.PathBase}{LoginPath}?returnUrl={Uri.EscapeDataString(back)}");
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{AuthOptions.ApiKeyHeader}\"";
        return Task.CompletedTask;
    }

    /// <summary>The demo's own key is honoured from a loopback address only (its load generator runs in this process).</summary>
    private bool FromLoopback() => IsLoopback(Context);

    internal static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    private static AuthenticateResult Success(string name, ActorRole role, bool signedIn = false, ActorScope? scope = null)
    {
        List<Claim> claims = [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.ToString())];
        if (signedIn)
        {
            claims.Add(new Claim(ActorClaims.SignedIn, "true"));
        }

        if (scope is not null)
        {
            claims.Add(new Claim(ActorClaims.Scoped, "true"));
            claims.AddRange(scope.Models.Select(m => new Claim(ActorClaims.ScopeModel, m)));
            claims.AddRange(scope.Environments.Select(e => new Claim(ActorClaims.ScopeEnvironment, e)));
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

public static class ActorClaims
{
    /// <summary>Present when the actor is a person signed in, with a password or single sign-on (not a key, not the anonymous actor).</summary>
    public const string SignedIn = "mr:signed-in";

    /// <summary>A scoped API key; its models and environments follow as <see cref="ScopeModel"/> and <see cref="ScopeEnvironment"/>.</summary>
    public const string Scoped = "mr:scoped";

    public const string ScopeModel = "mr:scope-model";

    public const string ScopeEnvironment = "mr:scope-environment";

    /// <summary>The engine's view of a signed-in principal.</summary>
    public static Actor ToActor(this ClaimsPrincipal principal)
    {
        var name = principal.Identity?.Name ?? "anonymous";
        var role = Enum.TryParse<ActorRole>(principal.FindFirstValue(ClaimTypes.Role), out var parsed) ? parsed : ActorRole.Viewer;
        var scope = principal.HasClaim(Scoped, "true")
            ? new ActorScope([.. principal.FindAll(ScopeModel).Select(c => c.Value)], [.. principal.FindAll(ScopeEnvironment).Select(c => c.Value)])
            : null;
        return new Actor(name, role, scope);
    }

    public static bool IsSignedInPerson(this ClaimsPrincipal principal) => principal.HasClaim(ActorClaims.SignedIn, "true");
}
