using Microsoft.AspNetCore.Hosting;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// The orchestrator's own loop, not hand-ticked: with a tick of an hour, only fresh metric events can make it act, so a
/// canary that reaches its verdict and rolls back here was judged on the events' arrival.
/// </summary>
public sealed class JudgeOnArrivalTests : IAsyncLifetime
{
    private const string Model = "support-chat";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly ArrivalFactory _factory = new();
    private HttpClient _client = null!;
    private DeploymentDriver _driver = null!;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        _driver = new DeploymentDriver(_factory, _client, Model);
        await _driver.SeedServedModelAsync("1.0.0", "1.1.0");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Fresh_events_drive_the_canary_and_a_breach_rolls_it_back_without_waiting_for_the_tick()
    {
        var id = await _driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", guard = new { minSamples = 20 } });

        // Pending → health-checking → progressing at 10%: each step needs a pass, and only arrivals cause passes.
        await WaitForAsync(async () =>
        {
            await _driver.PostEventsAsync("1.0.0", 5, failEvery: 0);
            var deployment = await _driver.GetAsync(id);
            return deployment.GetProperty("status").GetString() == "progressing" && deployment.GetProperty("trafficPercent").GetInt32() == 10;
        }, "the canary's first step");
        Assert.Equal([("1.0.0", 90), ("1.1.0", 10)], await _driver.SplitsAsync());

        await _driver.PostEventsAsync("1.0.0", 200, failEvery: 0);
        await _driver.PostEventsAsync("1.1.0", 40, failEvery: 2);

        await WaitForAsync(async () => (await _driver.GetAsync(id)).GetProperty("status").GetString() == "rolledBack", "the rollback");
        Assert.Equal([("1.0.0", 100)], await _driver.SplitsAsync());
        Assert.Contains((await _driver.GetAsync(id)).GetProperty("verdicts").EnumerateArray(), v => v.GetProperty("outcome").GetString() == "fail");
    }

    private static Task WaitForAsync(Func<Task<bool>> condition, string what) =>
        Poll.UntilAsync(condition, Deadline, _ => $"Timed out after {Deadline.TotalSeconds} s waiting for {what}.");

    private sealed class ArrivalFactory : DeploymentFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Deployments:JudgeOnArrivalSeconds", "0.05");
        }
    }
}
