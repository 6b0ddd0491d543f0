using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Health;

/// <summary>
/// Sends one <c>GET {endpoint}/{Health:Path}</c> and says, in words an operator reads on a badge, why it failed:
/// <c>HTTP 500</c>, <c>timed out after 2 s</c>, <c>connection refused</c>, <c>host 'x' not found</c>.
/// </summary>
public sealed class HealthProber(IHttpClientFactory clients, IOptionsMonitor<HealthOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "health-probes";

    public async Task<HealthProbeResult> ProbeAsync(string endpoint, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var at = clock.GetUtcNow().UtcDateTime;
        if (!EndpointUrl.TryCombine(endpoint, settings.Path, out var url))
        {
            return new HealthProbeResult(at, false, null, 0, $"the endpoint '{endpoint}' is not an absolute http(s) URL");
        }

        var started = clock.GetTimestamp();
        using var timeout = new CancellationTokenSource(settings.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await clients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var latency = clock.GetElapsedTime(started).TotalMilliseconds;
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new HealthProbeResult(at, true, code, latency, null)
                : new HealthProbeResult(at, false, code, latency, $"HTTP {code}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our own timeout (or the handler's): the caller did not cancel.
            return Failed(at, started, $"timed out after {settings.TimeoutSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException e)
        {
            return Failed(at, started, Describe(e, url));
        }
    }

    private HealthProbeResult Failed(DateTime at, long started, string error) =>
        new(at, false, null, clock.GetElapsedTime(started).TotalMilliseconds, error);

    internal static string Describe(HttpRequestException e, Uri url)
    {
        if (e.InnerException is Registry.EndpointRefusedException refused)
        {
            return $"not dialled: {refused.Message}";
        }

        var socket = FindSocketError(e);
        return socket switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData => $"host '{url.Host}' not found",
            SocketError.TimedOut => "connection timed out",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => $"host '{url.Host}' unreachable",
            SocketError.ConnectionReset => "connection reset by the server",
            _ => e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => $"host '{url.Host}' not found",
                HttpRequestError.ConnectionError => "connection failed",
                HttpRequestError.SecureConnectionError => "TLS handshake failed",
                HttpRequestError.ResponseEnded => "the connection closed before a response",
                HttpRequestError.InvalidResponse => "the response was not valid HTTP",
                _ => $"request failed: {e.Message}",
            },
        };
    }

    private static SocketError? FindSocketError(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}
