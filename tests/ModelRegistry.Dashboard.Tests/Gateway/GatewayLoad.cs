using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Gateway;

/// <summary>
/// Chat completions through one or more gateways — two callers per gateway, each request with a session of its own —
/// until a deployment ends; the only traffic, so whatever the verdict sees is what the gateways measured.
/// </summary>
public static class GatewayLoad
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="gateways">Clients based at each gateway's app address, carrying the caller's key.</param>
    /// <returns>The deployment's final status and body, and how many requests each gateway answered.</returns>
    public static async Task<(string Status, JsonElement Deployment, int[] Sent)> RunUntilDeploymentEndsAsync(
        HttpClient api, long deploymentId, IReadOnlyList<HttpClient> gateways, string environment, string model, Func<string>? diagnostics = null)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sent = new int[gateways.Count];
        var callers = Enumerable.Range(0, gateways.Count * 2).Select(c => Task.Run(async () =>
        {
            var gateway = c % gateways.Count;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/gateway/{environment}/v1/chat/completions")
                    {
                        Content = JsonContent.Create(new { model, messages = new[] { new { role = "user", content = "hi" } } }),
                    };
                    request.Headers.Add("X-Session-Id", $"caller{c}-{i}");
                    using var response = await gateways[gateway].SendAsync(request, stop.Token);
                    Interlocked.Increment(ref sent[gateway]);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        })).ToArray();

        JsonElement deployment = default;
        var status = "";
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    deployment = await api.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{deploymentId}", Ct);
                    status = deployment.GetProperty("status").GetString()!;
                    return status is "rolledBack" or "succeeded" or "failed" or "cancelled";
                },
                TimeSpan.FromSeconds(90),
                _ => $"the canary never finished: {deployment}\n{diagnostics?.Invoke()}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(callers);
        }

        return (status, deployment, sent);
    }
}
