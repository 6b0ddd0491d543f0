using System.Net.Http.Json;
using System.Text.Json;

namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>A deployment page to look at: a canary of the demo's code-assist 1.0.0 in staging, held at its first step (10 minutes a step).</summary>
public static class HeldCanary
{
    private static readonly int[] Steps = [10, 50, 100];

    /// <summary>Starts it through the API and returns its id.</summary>
    public static async Task<long> StartAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var created = await http.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = "code-assist", version = "1.0.0", environment = "staging", strategy = "canary",
            canary = new { steps = Steps, stepSeconds = 600 }, acknowledgeBreakingChange = true,
        }, cancellationToken);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt64();
    }
}
