using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>Arranges catalogue state through the public API, failing loudly if the arrangement itself is refused.</summary>
public static class Seed
{
    /// <summary>A model name no other test in the same database uses.</summary>
    public static string UniqueName(string prefix = "model") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];

    public static async Task<ModelSummary> ModelAsync(HttpClient client, string name, string? owner = null, IReadOnlyList<string>? tags = null, string? displayName = null, string? description = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/models", new RegisterModelRequest(name, displayName, description, owner, tags), ApiJson.Options, TestContext.Current.CancellationToken);
        return await response.ReadAsync<ModelSummary>(HttpStatusCode.Created);
    }

    public static async Task<VersionInfo> VersionAsync(HttpClient client, string model, string version, string? endpoint = null, VersionMetadata? metadata = null)
    {
        var request = new RegisterVersionRequest(version, endpoint ?? $"https://models.example.com/{model}/{version}/", Metadata: metadata);
        var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/versions", request, ApiJson.Options, TestContext.Current.CancellationToken);
        return await response.ReadAsync<VersionInfo>(HttpStatusCode.Created);
    }

    /// <summary>
    /// Posts <paramref name="count"/> metric events for one version (every <paramref name="failEvery"/>-th failing; 0 =
    /// none), latencies 100–119 ms, 200 + 80 tokens, and expects them accepted.
    /// </summary>
    public static async Task EventsAsync(HttpClient client, string model, string environment, string version, int count, int failEvery)
    {
        var events = Enumerable.Range(0, count).Select(i => new
        {
            model,
            version,
            environment,
            latencyMs = 100 + i % 20,
            success = failEvery == 0 || i % failEvery != 0,
            inputTokens = 200,
            outputTokens = 80,
        });
        using var response = await client.PostAsJsonAsync("/api/v1/metrics/events", new { events }, TestContext.Current.CancellationToken);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
    }
}
