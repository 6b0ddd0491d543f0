using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>
/// Sends one chat completion to a version's endpoint (<c>{endpoint}v1/chat/completions</c>) and measures it as a
/// <see cref="MetricEvent"/>: latency to the last byte, success, tokens from the response's <c>usage</c>, and an error
/// type (<c>http_500</c>, <c>timeout</c>, <c>connection_refused</c>, …) when it failed.
/// </summary>
public sealed class DemoChatClient(IHttpClientFactory clients, IOptionsMonitor<DemoTrafficOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "demo-traffic";
    public const string CompletionsPath = "v1/chat/completions";

    public async Task<MetricEvent> SendAsync(SeriesKey series, string endpoint, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        if (!EndpointUrl.TryCombine(endpoint, CompletionsPath, out var url))
        {
            return Failed(series, 0, "invalid_endpoint");
        }

        var started = clock.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.CurrentValue.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).PostAsJsonAsync(url, request, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                await response.Content.LoadIntoBufferAsync(linked.Token);
                return Failed(series, Elapsed(started), $"http_{(int)response.StatusCode}");
            }

            var body = await response.Content.ReadFromJsonAsync<ChatCompletionResponse>(linked.Token);
            var latency = Elapsed(started);
            return body?.Usage is { } usage
                ? new MetricEvent(series, Now, latency, true, usage.PromptTokens, usage.CompletionTokens)
                : Failed(series, latency, "invalid_response");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(series, Elapsed(started), "timeout");
        }
        catch (HttpRequestException e)
        {
            var refused = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            return Failed(series, Elapsed(started), refused ? "connection_refused" : "connection_error");
        }
        catch (JsonException)
        {
            return Failed(series, Elapsed(started), "invalid_response");
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private double Elapsed(long started) => clock.GetElapsedTime(started).TotalMilliseconds;

    private MetricEvent Failed(SeriesKey series, double latencyMs, string errorType) =>
        new(series, Now, latencyMs, false, 0, 0, errorType);
}
