using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>How the gateway runs: part of the app (the default), off, or on its own for scale-out.</summary>
public enum GatewayMode
{
    InProcess,
    Off,

    /// <summary>Only the gateway (no UI, no orchestrator, no database): routes, health and measurements go through the control plane.</summary>
    Standalone,
}

/// <summary><c>Gateway:*</c>: the OpenAI-compatible data plane at <c>/gateway/{environment}/v1/</c>.</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string Section = "Gateway";

    [EnumDataType(typeof(GatewayMode))]
    public GatewayMode Mode { get; set; } = GatewayMode.InProcess;

    /// <summary>How long an upstream may stay silent (no bytes) before the request counts as a <c>timeout</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The largest request body the gateway reads (it must read the JSON to route by its <c>model</c>).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Credentials for upstream servers, matched by the longest endpoint prefix. They live in configuration or secrets,
    /// never in the database, never in logs or responses.
    /// </summary>
    public List<UpstreamCredential> Upstreams { get; set; } = [];

    /// <summary>Where a standalone gateway takes its routes and health and ships its measurements.</summary>
    public ControlPlaneOptions ControlPlane { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == GatewayMode.Standalone)
        {
            foreach (var result in ControlPlane.Validate())
            {
                yield return result;
            }
        }

        for (var i = 0; i < Upstreams.Count; i++)
        {
            if (!Uri.TryCreate(Upstreams[i].Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"Gateway:Upstreams:{i}:Endpoint must be an absolute http(s) URL.", [$"Gateway:Upstreams:{i}:Endpoint"]);
            }

            if (string.IsNullOrWhiteSpace(Upstreams[i].ApiKey))
            {
                yield return new ValidationResult($"Gateway:Upstreams:{i}:ApiKey is required.", [$"Gateway:Upstreams:{i}:ApiKey"]);
            }
        }
    }

    /// <summary>The credential for <paramref name="endpoint"/>: the one whose endpoint is its longest prefix, if any.</summary>
    public UpstreamCredential? CredentialFor(string endpoint)
    {
        // A loop, not LINQ: asked on every gateway request.
        UpstreamCredential? longest = null;
        foreach (var upstream in Upstreams)
        {
            if (endpoint.StartsWith(upstream.Endpoint, StringComparison.OrdinalIgnoreCase) && upstream.Endpoint.Length > (longest?.Endpoint.Length ?? -1))
            {
                longest = upstream;
            }
        }

        return longest;
    }
}

public sealed class UpstreamCredential
{
    public string Endpoint { get; set; } = "";

    /// <summary>Sent upstream as <c>Authorization: Bearer</c>.</summary>
    public string ApiKey { get; set; } = "";
}

/// <summary><c>Gateway:ControlPlane:*</c>: the app a standalone gateway follows.</summary>
public sealed class ControlPlaneOptions
{
    /// <summary>The control plane's base URL, e.g. <c>https://registry.internal/</c>.</summary>
    public string? Url { get; set; }

    /// <summary>An Automation key of the control plane: reads routes and health, posts aggregates, listens to the hub.</summary>
    public string? ApiKey { get; set; }

    /// <summary>This gateway's name in the control plane's logs (default: the machine name).</summary>
    public string Name { get; set; } = Environment.MachineName;

    public int ShipIntervalMilliseconds { get; set; } = 1000;

    /// <summary>How often the serving versions' health is read (and a lost hub connection retried).</summary>
    public int RefreshSeconds { get; set; } = 2;

    /// <summary>A route is read again after this long even without a push, in case one was lost.</summary>
    public int RouteMaxAgeSeconds { get; set; } = 30;

    internal IEnumerable<ValidationResult> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult("Gateway:ControlPlane:Url must be the control plane's absolute http(s) URL when Gateway:Mode is Standalone.", ["Gateway:ControlPlane:Url"]);
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return new ValidationResult("Gateway:ControlPlane:ApiKey is required when Gateway:Mode is Standalone: an Automation key of the control plane.", ["Gateway:ControlPlane:ApiKey"]);
        }

        if (ShipIntervalMilliseconds is < 100 or > 60_000)
        {
            yield return new ValidationResult("Gateway:ControlPlane:ShipIntervalMilliseconds must be from 100 to 60000.", ["Gateway:ControlPlane:ShipIntervalMilliseconds"]);
        }

        if (RefreshSeconds is < 1 or > 300)
        {
            yield return new ValidationResult("Gateway:ControlPlane:RefreshSeconds must be from 1 to 300.", ["Gateway:ControlPlane:RefreshSeconds"]);
        }

        if (RouteMaxAgeSeconds is < 1 or > 3600)
        {
            yield return new ValidationResult("Gateway:ControlPlane:RouteMaxAgeSeconds must be from 1 to 3600.", ["Gateway:ControlPlane:RouteMaxAgeSeconds"]);
        }
    }
}
