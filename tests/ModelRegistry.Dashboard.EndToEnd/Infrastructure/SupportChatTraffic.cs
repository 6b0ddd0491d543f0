using System.Net.Http.Json;

namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>Staging traffic of the demo's support-chat, posted as metric events: the known numbers a verdict is about.</summary>
public static class SupportChatTraffic
{
    /// <summary>Posts <paramref name="count"/> requests to <paramref name="version"/>, every <paramref name="failEvery"/>-th failing (0: none).</summary>
    public static async Task PostAsync(HttpClient http, string version, int count, int failEvery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var events = Enumerable.Range(0, count).Select(i => new
        {
            model = "support-chat", version, environment = "staging", latencyMs = 140 + i % 30,
            success = failEvery == 0 || i % failEvery != 0, inputTokens = 250, outputTokens = 150,
        }).ToArray();
        using var response = await http.PostAsJsonAsync("/api/v1/metrics/events", new { events }, ct);
        response.EnsureSuccessStatusCode();
    }
}
