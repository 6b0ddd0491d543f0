using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// Drives the deployments of one (environment, model) one decision at a time: launched through the API, the orchestrator
/// ticked by hand on the factory's <see cref="DeploymentFactory.Clock"/>, traffic posted through <c>/api/v1/metrics/events</c>.
/// </summary>
public sealed class DeploymentDriver(DeploymentFactory factory, HttpClient client, string model, string environment = "staging")
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Registers the model with <paramref name="versions"/> through the API and serves the first of them here at 100%.</summary>
    public async Task SeedServedModelAsync(params string[] versions)
    {
        await Seed.ModelAsync(client, model);
        foreach (var version in versions)
        {
            await Seed.VersionAsync(client, model, version);
        }

        await ServeAsync(versions[0]);
    }

    /// <summary>Routes all of the environment's traffic to <paramref name="version"/>, as a first deployment would have (or, at a later revision, an operator).</summary>
    public Task<RouteInfo> ServeAsync(string version, long expectedRevision = 0) =>
        factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("seed", ActorRole.Admin), environment, model,
            [new SplitInfo(version, 100)], expectedRevision, reason: "test", Ct);

    public async Task<long> CreateAsync(object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/deployments", body, Ct);
        return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
    }

    public async Task<JsonElement> GetAsync(long id) => await (await client.GetAsync($"/api/v1/deployments/{id}", Ct)).ReadJsonAsync();

    public async Task TickAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            await factory.GetRequiredService<DeploymentOrchestrator>().TickOnceAsync(Ct);
        }
    }

    /// <summary>Two seconds pass with 100 requests on each version (every <paramref name="errorsEvery"/>-th failing), then one tick.</summary>
    public async Task BakeAsync(string stable, string target, int errorsEvery = 0)
    {
        factory.Clock.Advance(TimeSpan.FromSeconds(2));
        await PostEventsAsync(stable, 100, errorsEvery);
        await PostEventsAsync(target, 100, errorsEvery);
        await TickAsync(1);
    }

    /// <summary>
    /// Takes <paramref name="version"/> from the version now served to a succeeded canary with two-second steps and
    /// healthy traffic, so that it counts as proven in this environment.
    /// </summary>
    public async Task<long> SucceedCanaryAsync(string version, bool acknowledgeBreakingChange = false)
    {
        var stable = (await RouteAsync()).PrimaryVersion!;
        var id = await CreateAsync(new
        {
            model, version, environment, strategy = "canary", canary = new { stepSeconds = 2 }, guard = new { minSamples = 20, watchSeconds = 2 }, acknowledgeBreakingChange,
        });
        await TickAsync(2);
        for (var step = 0; step < 3; step++)
        {
            await BakeAsync(stable, version);
        }

        Assert.Equal("succeeded", (await GetAsync(id)).GetProperty("status").GetString());
        return id;
    }

    public async Task<RouteInfo> RouteAsync() => await factory.GetRequiredService<RouteService>().GetAsync(environment, model, Ct);

    /// <summary>The route's (version, weight) pairs in version order.</summary>
    public async Task<List<(string, int)>> SplitsAsync() =>
        [.. (await RouteAsync()).Splits.OrderBy(s => s.Version, StringComparer.Ordinal).Select(s => (s.Version, s.Weight))];

    public async Task<RegistryDbContext> DbAsync() =>
        await factory.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);

    public async Task<int> CountAsync(Func<RegistryDbContext, Task<int>> count)
    {
        await using var db = await DbAsync();
        return await count(db);
    }

    public Task PostEventsAsync(string version, int count, int failEvery) => Seed.EventsAsync(client, model, environment, version, count, failEvery);
}
