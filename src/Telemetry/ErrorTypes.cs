namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>Whether a failed request is held against the version (see <see cref="ErrorTypes"/>).</summary>
public enum ExcusedKind : byte
{
    /// <summary>A success, or a failure the version is to blame for.</summary>
    None,

    /// <summary>The upstream refused for quota (HTTP 429).</summary>
    RateLimited,

    /// <summary>The request itself was at fault (4xx other than 429).</summary>
    ClientError,
}

/// <summary>
/// The error taxonomy the gateway records and the verdicts and alerts rely on. <see cref="UpstreamError"/>,
/// <see cref="Timeout"/> and <see cref="Connection"/> count against the version; <see cref="RateLimited"/> and
/// <see cref="ClientError"/> are tracked and charted but never count as a version failure, so a quota spike cannot roll
/// back a good canary. Events posted to the metrics API follow the same rule through their <c>errorType</c>.
/// </summary>
public static class ErrorTypes
{
    public const string UpstreamError = "upstream_error";
    public const string Timeout = "timeout";
    public const string Connection = "connection";
    public const string RateLimited = "rate_limited";
    public const string ClientError = "client_error";

    /// <summary>Which excused kind a failure's error type names; <see cref="ExcusedKind.None"/> for every other type.</summary>
    public static ExcusedKind Excused(string? errorType) => errorType switch
    {
        RateLimited => ExcusedKind.RateLimited,
        ClientError => ExcusedKind.ClientError,
        _ => ExcusedKind.None,
    };
}
