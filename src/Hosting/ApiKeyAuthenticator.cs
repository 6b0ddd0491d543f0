using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Demo;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// A presented API key → the actor it stands for: a key from configuration (<c>Auth:ApiKeys</c>, compared in constant
/// time), the demo's per-process key (<see cref="DemoGatewayKey"/>, where the caller allows it), or a key made in the
/// app (<see cref="ApiKeyService"/>: by prefix, then hash; absent in a standalone gateway). Shared by the authentication
/// handler, which turns the actor into claims, and the gateway's lane, which needs only the actor. The configured keys'
/// bytes and actors are built once per configuration, not per request (a gateway request carries a key every time).
/// </summary>
public sealed class ApiKeyAuthenticator(IOptionsMonitor<AuthOptions> options, ApiKeyService? madeInApp = null, DemoGatewayKey? demoKey = null)
{
    private static readonly Actor DemoTraffic = new(DemoGatewayKey.ActorName, ActorRole.Automation);

    private ConfiguredKeys? _configured;

    /// <summary>The key the request carries: <c>X-Api-Key</c>, or — where <paramref name="bearerAllowed"/> (the gateway) — <c>Authorization: Bearer</c>, which is what OpenAI SDKs send.</summary>
    public static bool TryGetPresented(Microsoft.AspNetCore.Http.HttpRequest request, bool bearerAllowed, out string presented)
    {
        if (request.Headers.TryGetValue(AuthOptions.ApiKeyHeader, out var header))
        {
            presented = header.ToString();
            return true;
        }

        const string Bearer = "Bearer ";
        var authorization = request.Headers.Authorization.ToString();
        if (bearerAllowed && authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization.AsSpan(Bearer.Length).Trim().ToString();
            return true;
        }

        presented = "";
        return false;
    }

    /// <summary>
    /// The actor of <paramref name="presented"/>, or null when it matches no key (or a key made in the app that was
    /// revoked or has expired). <paramref name="demoAllowed"/>: the demo's own key counts (the gateway, from loopback).
    /// </summary>
    public ValueTask<Actor?> AuthenticateAsync(string presented, bool demoAllowed, CancellationToken cancellationToken)
    {
        if (Configured(presented, demoAllowed) is { } actor)
        {
            return ValueTask.FromResult<Actor?>(actor);
        }

        return madeInApp is null ? ValueTask.FromResult<Actor?>(null) : new ValueTask<Actor?>(madeInApp.AuthenticateAsync(presented, cancellationToken));
    }

    private Actor? Configured(string presented, bool demoAllowed)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(presented.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(presented, buffer)]
            : Encoding.UTF8.GetBytes(presented);
        if (demoAllowed && demoKey is not null && demoKey.Matches(bytes))
        {
            return DemoTraffic;
        }

        var configured = ConfiguredNow();
        for (var i = 0; i < configured.Keys.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(configured.Keys[i], bytes))
            {
                return configured.Actors[i];
            }
        }

        return null;
    }

    /// <summary>The configured keys as bytes with their actors, rebuilt when the options change (a new options instance).</summary>
    private ConfiguredKeys ConfiguredNow()
    {
        var current = options.CurrentValue;
        var configured = Volatile.Read(ref _configured);
        if (configured is null || !ReferenceEquals(configured.Source, current))
        {
            configured = new ConfiguredKeys(
                current,
                [.. current.ApiKeys.Select(k => Encoding.UTF8.GetBytes(k.Key))],
                [.. current.ApiKeys.Select(k => new Actor($"apikey:{k.Name}", k.Role))]);
            Volatile.Write(ref _configured, configured);
        }

        return configured;
    }

    private sealed record ConfiguredKeys(AuthOptions Source, byte[][] Keys, Actor[] Actors);
}
