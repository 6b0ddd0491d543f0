using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
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
    ILoggerFactory logger,
    UrlEncoder encoder,
    DemoGatewayKey? demoKey = null) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Actor";

    public const string LoginPath = "/account/login";

    /// <summary>Paths that never answer with a sign-in page: machine callers get a 401 there.</summary>
    private static readonly string[] MachinePaths = ["/api", "/hubs", Gateway.GatewayEndpoints.PathBase, "/metrics", "/healthz", "/demo-backends", "/account/signin"];

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var options = authOptions.CurrentValue;
        if (Request.Headers.TryGetValue(AuthOptions.ApiKeyHeader, out var presented) || TryBearer(out presented))
        {
            var bytes = Encoding.UTF8.GetBytes(presented.ToString());
            if (IsDemoTraffic(bytes))
            {
                return Success(DemoGatewayKey.ActorName, ActorRole.Automation);
            }

            var match = options.ApiKeys.FirstOrDefault(k =>
                CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(k.Key), bytes));
            if (match is not null)
            {
                return Success($"apikey:{match.Name}", match.Role);
            }

            // A key made in the app: looked up by its prefix, checked by its hash, refused once revoked or expired.
            if (Context.RequestServices.GetService<Access.ApiKeyService>() is { } keys
                && await keys.AuthenticateAsync(presented.ToString(), Context.RequestAborted) is { } actor)
            {
                return Success(actor.Name, actor.Role, scope: actor.Scope);
            }

            return AuthenticateResult.Fail("The API key is not a key of this app, or it was revoked or has expired.");
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

    /// <summary>
    /// The demo's load generator calling this app's own gateway: its key, on a gateway path, from a loopback address.
    /// Anywhere else the key is just an unknown one.
    /// </summary>
    private bool IsDemoTraffic(byte[] presented) =>
        demoKey is not null
        && Request.Path.StartsWithSegments(Gateway.GatewayEndpoints.PathBase)
        && Context.Connection.RemoteIpAddress is { } remote
        && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)
        && demoKey.Matches(presented);

    /// <summary>
    /// On the gateway, the key may come as <c>Authorization: Bearer</c>, which is what OpenAI SDKs send. Elsewhere a
    /// bearer token is left alone.
    /// </summary>
    private bool TryBearer(out Microsoft.Extensions.Primitives.StringValues key)
    {
        const string Bearer = "Bearer ";
        var authorization = Request.Headers.Authorization.ToString();
        if (Request.Path.StartsWithSegments(Gateway.GatewayEndpoints.PathBase) && authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            key = authorization[Bearer.Length..].Trim();
            return true;
        }

        key = default;
        return false;
    }

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
