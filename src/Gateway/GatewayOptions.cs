using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>How the gateway runs: part of the app (the default), or off.</summary>
public enum GatewayMode
{
    InProcess,
    Off,
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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
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
    public UpstreamCredential? CredentialFor(string endpoint) => Upstreams
        .Where(u => endpoint.StartsWith(u.Endpoint, StringComparison.OrdinalIgnoreCase))
        .MaxBy(u => u.Endpoint.Length);
}

public sealed class UpstreamCredential
{
    public string Endpoint { get; set; } = "";

    /// <summary>Sent upstream as <c>Authorization: Bearer</c>.</summary>
    public string ApiKey { get; set; } = "";
}
