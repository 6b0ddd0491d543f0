using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Health;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>
/// The seeded versions' endpoints name <c>Demo:BackendBaseUrl</c> (<c>http://localhost:5180/demo-backends</c>), the
/// address of <c>dotnet run</c>. When the app listens elsewhere (another port, a test server on a random port), requests
/// and probes for those endpoints go to where the demo backends really are: <c>Demo:BackendBaseUrlOverride</c> if set,
/// otherwise this app's own listening address. Every other endpoint is dialled as registered.
/// </summary>
public sealed class DemoBackendAddress(IOptions<DemoOptions> demo, IOptionsMonitor<DemoBackendOptions> backends) : IEndpointAddressResolver
{
    /// <summary>Where the web app maps the demo backends.</summary>
    public const string PathBase = "/demo-backends";

    private Func<IEnumerable<string>?> _serverAddresses = () => null;

    /// <summary>Tells where this app listens; read when resolving, so it sees the port bound at start.</summary>
    public void UseServerAddresses(Func<IEnumerable<string>?> serverAddresses) => _serverAddresses = serverAddresses;

    /// <summary>Where the demo backends are reached, or null when the configured base URL stands as it is.</summary>
    public string? ActualBaseUrl => backends.CurrentValue.BackendBaseUrlOverride is { Length: > 0 } configured
        ? configured.TrimEnd('/')
        : LocalBaseUrl(_serverAddresses());

    /// <summary>
    /// This app's own address (e.g. <c>http://127.0.0.1:41234</c>), where the demo's load generator reaches the gateway;
    /// null until the server listens, and on an in-memory test server, which has no address.
    /// </summary>
    public string? AppBaseUrl => LocalAppUrl(_serverAddresses());

    public string Resolve(string endpoint) => DemoBackendUrl(endpoint) ?? endpoint;

    /// <summary>
    /// Where to reach <paramref name="endpoint"/> if it is one of the demo backends (under <c>Demo:BackendBaseUrl</c> or
    /// already under their actual address); null if it is not, or if the backends' address is unknown (an in-memory
    /// test server has none).
    /// </summary>
    public string? DemoBackendUrl(string endpoint)
    {
        if (!demo.Value.Enabled || ActualBaseUrl is not { } actual)
        {
            return null;
        }

        foreach (var prefix in new[] { demo.Value.BackendBaseUrl.TrimEnd('/') + "/", actual + "/" })
        {
            if (endpoint.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return actual + "/" + endpoint[prefix.Length..];
            }
        }

        return null;
    }

    /// <summary>The demo backends under this app's own address (<see cref="LocalAppUrl"/>).</summary>
    internal static string? LocalBaseUrl(IEnumerable<string>? addresses) => LocalAppUrl(addresses) is { } app ? app + PathBase : null;

    /// <summary>The first usable http (else https) listening address, with a wildcard host read as localhost.</summary>
    internal static string? LocalAppUrl(IEnumerable<string>? addresses)
    {
        var candidates = (addresses ?? []).Select(Parse).OfType<(string Scheme, string Host, string Port)>()
            .Where(a => a.Port != "0")
            .OrderBy(a => a.Scheme == "http" ? 0 : 1)
            .ToList();
        return candidates.Count == 0 ? null : $"{candidates[0].Scheme}://{candidates[0].Host}:{candidates[0].Port}";
    }

    private static (string Scheme, string Host, string Port)? Parse(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null;
        }

        var scheme = address[..schemeEnd].ToLowerInvariant();
        var authority = address[(schemeEnd + 3)..].TrimEnd('/');
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || authority.EndsWith(']'))
        {
            return null;
        }

        var host = authority[..colon];
        var port = authority[(colon + 1)..];
        if (host is "+" or "*" or "[::]" or "0.0.0.0")
        {
            host = "localhost";
        }

        return scheme is "http" or "https" ? (scheme, host, port) : null;
    }
}
