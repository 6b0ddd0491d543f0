using System.Net;
using Microsoft.AspNetCore.Hosting;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>DESIGN.md §5: 429 when rate limited — per actor, as problem details with Retry-After.</summary>
public sealed class RateLimitingTests : IAsyncLifetime
{
    private readonly TightFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task An_actor_past_its_burst_gets_429_with_retry_after_and_other_actors_are_not_held_back()
    {
        using var anonymous = _factory.CreateClient();
        // The bucket holds 3 and gains 1 a second: the burst passes, and a refusal comes within a few more requests
        // however slow the machine (a refill between two requests only adds one).
        var accepted = 0;
        HttpResponseMessage refused;
        while ((refused = await anonymous.GetAsync("/api/v1/environments", Ct)).StatusCode == HttpStatusCode.OK)
        {
            refused.Dispose();
            Assert.True(++accepted < 20, "no 429 after 20 requests");
        }

        using var _ = refused;
        Assert.True(accepted >= 3, $"only {accepted} requests passed before the first 429; the burst is 3");

        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains($"{DashboardFactory.AnonymousName} may make 1 API requests a second (bursts of 3)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        using var automation = _factory.CreateApiKeyClient();
        await (await automation.GetAsync("/api/v1/environments", Ct)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        using var health = await anonymous.GetAsync("/healthz", Ct); // not part of the API
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Callers_without_a_key_are_limited_per_client_address_so_one_cannot_starve_another()
    {
        using var first = ClientFrom("10.0.0.1");
        using var second = ClientFrom("10.0.0.2");

        await ExhaustAsync(first, "/api/v1/environments", HttpStatusCode.OK);

        using var other = await second.GetAsync("/api/v1/environments", Ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Requests_with_a_wrong_key_count_against_their_address_and_get_429_after_its_burst()
    {
        using var guesser = ClientFrom("10.0.0.3", key: "wrong-key-wrong-key-wrong-key");

        var refusals = await ExhaustAsync(guesser, "/api/v1/environments", HttpStatusCode.Unauthorized);

        Assert.True(refusals >= 3, $"only {refusals} 401s before the first 429; the burst is 3");
        using var elsewhere = ClientFrom("10.0.0.4");
        using var fine = await elsewhere.GetAsync("/api/v1/environments", Ct);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task After_its_wrong_key_budget_an_address_gets_429_for_any_key_before_it_is_looked_up_on_every_path()
    {
        await using var factory = new LimitsFactory(new Dictionary<string, string>
        {
            ["RateLimiting:PermitsPerSecond"] = "1000",
            ["RateLimiting:Burst"] = "1000",
            ["RateLimiting:FailedKeyBurst"] = "4",
            ["RateLimiting:FailedKeysPerMinute"] = "1",
        });
        using var guesser = ClientFrom(factory, "10.0.0.5", key: "wrong-key-wrong-key-wrong-key");
        foreach (var path in new[] { "/api/v1/environments", "/gateway/staging/v1/models", "/hubs/rollouts/negotiate", "/api/v1/models" })
        {
            using var wrong = await guesser.GetAsync(path, Ct);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, wrong.StatusCode);
        }

        // The budget of 4 is spent; a refill between two requests adds at most one more attempt.
        var extra = await ExhaustAsync(guesser, "/api/v1/environments", HttpStatusCode.Unauthorized);
        Assert.True(extra <= 1, $"{extra} more wrong keys passed after the budget of 4 was spent");
        using var fifth = await guesser.GetAsync("/api/v1/environments", Ct);
        var problem = await fifth.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("presented a key that matches none", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(fifth.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {fifth.Headers.RetryAfter}");

        // Even the right key from that address waits; without a key, and from other addresses, nothing changes.
        using var rightKeySameAddress = ClientFrom(factory, "10.0.0.5", key: DashboardFactory.ApiKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await rightKeySameAddress.GetAsync("/api/v1/environments", Ct)).StatusCode);
        using var noKeySameAddress = ClientFrom(factory, "10.0.0.5");
        Assert.Equal(HttpStatusCode.OK, (await noKeySameAddress.GetAsync("/api/v1/environments", Ct)).StatusCode);
        using var rightKeyElsewhere = ClientFrom(factory, "10.0.0.6", key: DashboardFactory.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await rightKeyElsewhere.GetAsync("/api/v1/environments", Ct)).StatusCode);
    }

    [Fact]
    public async Task With_Metrics_RequireKey_the_exposition_needs_a_key_and_the_anonymous_actor_gets_401()
    {
        await using var factory = new LimitsFactory(new Dictionary<string, string> { ["Metrics:RequireKey"] = "true" });
        using var anonymous = factory.CreateClient();
        using var automation = factory.CreateApiKeyClient();

        using var refused = await anonymous.GetAsync("/metrics", Ct);
        using var read = await automation.GetAsync("/metrics", Ct);
        using var open = await _factory.CreateClient().GetAsync("/metrics", Ct); // the default: readable by anyone

        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Metrics:RequireKey", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("X-Api-Key", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.StartsWith("text/plain", read.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    /// <summary>Requests until the first 429; returns how many got <paramref name="until"/> before it.</summary>
    private static async Task<int> ExhaustAsync(HttpClient client, string path, HttpStatusCode until)
    {
        var count = 0;
        HttpResponseMessage response;
        while ((response = await client.GetAsync(path, Ct)).StatusCode == until)
        {
            response.Dispose();
            Assert.True(++count < 20, $"no 429 after 20 requests");
        }

        using var _ = response;
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        return count;
    }

    private HttpClient ClientFrom(string address, string? key = null) => ClientFrom(_factory, address, key);

    private static HttpClient ClientFrom(DashboardFactory factory, string address, string? key = null)
    {
        var client = factory.CreateClientFrom(address);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class TightFactory : DashboardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimiting:PermitsPerSecond", "1");
            builder.UseSetting("RateLimiting:Burst", "3");
        }
    }

    private sealed class LimitsFactory(IReadOnlyDictionary<string, string> settings) : DashboardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
