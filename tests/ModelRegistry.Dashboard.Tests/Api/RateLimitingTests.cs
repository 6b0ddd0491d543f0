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
}
