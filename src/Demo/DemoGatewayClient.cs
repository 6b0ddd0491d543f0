using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Gateway;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>What the gateway answered one demo request: its HTTP status and the version it chose (null when none was).</summary>
public readonly record struct DemoGatewayAnswer(int Status, string? Version);

/// <summary>
/// Sends one of the demo's chat completions to this app's own gateway, as an OpenAI client would:
/// <c>POST {app}/gateway/{environment}/v1/chat/completions</c> with the registered model's name in <c>model</c>, the
/// simulated user's <c>X-Session-Id</c> (so the gateway keeps that user on one version) and <see cref="DemoGatewayKey"/>.
/// The gateway picks the version, forwards and measures; the answer is read to its end and dropped.
/// </summary>
public sealed class DemoGatewayClient(IHttpClientFactory clients, DemoGatewayKey key, IOptionsMonitor<DemoTrafficOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "demo-traffic";

    /// <summary>The chat completions URL of <paramref name="environment"/>'s gateway under <paramref name="appBaseUrl"/>.</summary>
    public static Uri CompletionsUrl(string appBaseUrl, string environment) =>
        new($"{appBaseUrl.TrimEnd('/')}{GatewayEndpoints.PathBase}/{Uri.EscapeDataString(environment)}/v1/chat/completions", UriKind.Absolute);

    /// <exception cref="OperationCanceledException">
    /// The request outlived <c>Demo:Traffic:TimeoutSeconds</c>, or <paramref name="cancellationToken"/> was cancelled.
    /// </exception>
    /// <exception cref="HttpRequestException">The app's own address did not answer.</exception>
    public async Task<DemoGatewayAnswer> SendAsync(
        string appBaseUrl, string environment, string session, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.CurrentValue.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var message = new HttpRequestMessage(HttpMethod.Post, CompletionsUrl(appBaseUrl, environment))
        {
            Content = JsonContent.Create(request),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Value);
        message.Headers.Add(GatewayEndpoints.SessionHeader, session);

        // ResponseContentRead: the whole answer is received, as a real caller would, before the request counts as done.
        using var response = await clients.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseContentRead, linked.Token);
        var version = response.Headers.TryGetValues(GatewayEndpoints.VersionHeader, out var values) ? values.FirstOrDefault() : null;
        return new DemoGatewayAnswer((int)response.StatusCode, version);
    }
}
