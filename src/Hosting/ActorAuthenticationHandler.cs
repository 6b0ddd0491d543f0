using Microsoft.AspNetCore.Http;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Demo;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// Turns a request into a principal: an <c>X-Api-Key</c> header must match a configured key (else 401); without one,
/// the request acts as the configured anonymous actor. The engine then authorises by the principal's role. The demo's
/// own per-process key (<see cref="DemoGatewayKey"/>) is honoured on the gateway from loopback only.
/// </summary>
internal sealed class ActorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptionsMonitor<AuthOptions> authOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    DemoGatewayKey? demoKey = null) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Actor";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var options = authOptions.CurrentValue;
        if (Request.Headers.TryGetValue(AuthOptions.ApiKeyHeader, out var presented) || TryBearer(out presented))
        {
            var bytes = Encoding.UTF8.GetBytes(presented.ToString());
            if (IsDemoTraffic(bytes))
            {
                return Task.FromResult(Success(DemoGatewayKey.ActorName, ActorRole.Automation));
            }

            var match = options.ApiKeys.FirstOrDefault(k =>
                CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(k.Key), bytes));
            return Task.FromResult(match is null
                ? AuthenticateResult.Fail("The API key does not match any configured API key.")
                : Success($"apikey:{match.Name}", match.Role));
        }

        return Task.FromResult(Success(options.Anonymous.Name, options.Anonymous.Role));
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

    private static AuthenticateResult Success(string name, ActorRole role)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.ToString())],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

public static class ActorClaims
{
    /// <summary>The engine's view of a signed-in principal.</summary>
    public static Actor ToActor(this ClaimsPrincipal principal)
    {
        var name = principal.Identity?.Name ?? "anonymous";
        var role = Enum.TryParse<ActorRole>(principal.FindFirstValue(ClaimTypes.Role), out var parsed) ? parsed : ActorRole.Viewer;
        return new Actor(name, role);
    }
}
