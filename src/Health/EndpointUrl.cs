using System.Diagnostics.CodeAnalysis;

namespace ModelRegistry.Dashboard.Health;

/// <summary>Joins a version's endpoint and a path under it, whether or not the endpoint ends in <c>/</c>.</summary>
public static class EndpointUrl
{
    /// <summary>
    /// <c>http://h/m/1.0.0/</c> + <c>health</c> and <c>http://h/m/1.0.0</c> + <c>/health</c> both give
    /// <c>http://h/m/1.0.0/health</c>. The endpoint's own query and fragment are dropped; the relative part may carry a query.
    /// </summary>
    public static bool TryCombine(string? endpoint, string relative, [NotNullWhen(true)] out Uri? url)
    {
        url = null;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var baseUri)
            || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        var combined = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + relative.TrimStart('/');
        return Uri.TryCreate(combined, UriKind.Absolute, out url);
    }
}

/// <summary>
/// Maps a registered endpoint to the address actually dialled. The registered endpoint as it is, except where
/// something (the demo) knows that an endpoint names this very app under another address.
/// </summary>
public interface IEndpointAddressResolver
{
    string Resolve(string endpoint);
}

internal sealed class RegisteredEndpointAddress : IEndpointAddressResolver
{
    public string Resolve(string endpoint) => endpoint;
}
