using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// Issue 9: one slow probe must not stall every deployment. A model whose new version's health endpoint hangs (30 s,
/// with <c>Health:TimeoutSeconds</c> at 20) is being health-checked while another model's canary breaches: that
/// canary still rolls back on arrival of its bad figures, long before the hanging probe gives up.
/// </summary>
public sealed class HangingProbeTests : IAsyncLifetime
{
    private const string Model = "support-chat";
    private const string SlowModel = "slow-model";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly HangingProbeFactory _factory = new();
    private HttpClient _client = null!;
    private DeploymentDriver _driver = null!;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        _driver = new DeploymentDriver(_factory, _client, Model);
        await _driver.SeedServedModelAsync("1.0.0", "1.1.0");
        var slow = new DeploymentDriver(_factory, _client, SlowModel);
        await Seed.ModelAsync(_client, SlowModel);
        await Seed.VersionAsync(_client, SlowModel, "1.0.0");
        await Seed.VersionAsync(_client, SlowModel, "1.1.0", endpoint: "https://models.example.com/hang/1.1.0/");
        await slow.ServeAsync("1.0.0");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_probe_that_hangs_for_one_deployment_does_not_delay_another_deployments_automatic_rollback()
    {
        var slowId = await _driver.CreateAsync(new { model = SlowModel, version = "1.1.0", environment = "staging", strategy = "canary" });
        var id = await _driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", guard = new { minSamples = 20 } });
        await WaitForAsync(async () =>
        {
            await _driver.PostEventsAsync("1.0.0", 5, failEvery: 0); // arrivals drive the orchestrator's passes
            return (await _driver.GetAsync(id)).GetProperty("trafficPercent").GetInt32() == 10
                && (await _driver.GetAsync(slowId)).GetProperty("status").GetString() == "healthChecking";
        }, "support-chat's canary at 10% while slow-model's target is being probed");

        var breach = Stopwatch.StartNew();
        await _driver.PostEventsAsync("1.0.0", 200, failEvery: 0);
        await _driver.PostEventsAsync("1.1.0", 40, failEvery: 2);
        await WaitForAsync(async () => (await _driver.GetAsync(id)).GetProperty("status").GetString() == "rolledBack", "support-chat's rollback");

        Assert.True(breach.Elapsed < TimeSpan.FromSeconds(20), $"The rollback took {breach.Elapsed.TotalSeconds:0.0} s: it waited for the hanging probe.");
        Assert.Equal("healthChecking", (await _driver.GetAsync(slowId)).GetProperty("status").GetString()); // its probe is still hanging
        Assert.Equal([("1.0.0", 100)], await _driver.SplitsAsync());
    }

    [Fact]
    public async Task A_target_once_healthy_but_hanging_now_is_not_passed_by_its_old_probe_result()
    {
        // An hour ago 1.1.0 answered its probe; now it hangs. The check must wait for a probe of its own.
        var clock = _factory.Clock;
        _factory.GetRequiredService<HealthRegistry>().Record(SlowModel, "1.1.0", "https://models.example.com/hang/1.1.0/",
            new HealthProbeResult(clock.UtcNow.AddHours(-1), true, 200, 5, null));
        var slow = new DeploymentDriver(_factory, _client, SlowModel);
        var id = await slow.CreateAsync(new { model = SlowModel, version = "1.1.0", environment = "staging", strategy = "canary" });
        var workers = _factory.GetRequiredService<WorkerHealthRegistry>();
        var runsAtStart = workers.Get("deployment-orchestrator")?.Runs ?? 0;

        // Arrivals drive passes; give the orchestrator a good number of them.
        await WaitForAsync(async () =>
        {
            await slow.PostEventsAsync("1.0.0", 5, failEvery: 0);
            return (workers.Get("deployment-orchestrator")?.Runs ?? 0) >= runsAtStart + 8;
        }, "eight orchestrator passes");

        var deployment = await slow.GetAsync(id);
        Assert.Equal("healthChecking", deployment.GetProperty("status").GetString());
        Assert.Equal(0, deployment.GetProperty("trafficPercent").GetInt32());
        Assert.Equal([("1.0.0", 100)], await slow.SplitsAsync());
    }

    private static Task WaitForAsync(Func<Task<bool>> condition, string what) =>
        Poll.UntilAsync(condition, Deadline, _ => $"Timed out after {Deadline.TotalSeconds} s waiting for {what}.");

    /// <summary>Arrival-driven passes (the tick is an hour); probes under <c>/hang/</c> never answer until the 20 s probe timeout.</summary>
    private sealed class HangingProbeFactory : DeploymentFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Deployments:JudgeOnArrivalSeconds", "0.05");
            builder.UseSetting("Health:TimeoutSeconds", "20");
            builder.UseSetting("Health:IntervalSeconds", "30");
            builder.ConfigureTestServices(services =>
                services.AddSingleton<IHttpClientFactory>(new StubHttpClientFactory(new StubHandler(async (request, ct) =>
                {
                    if (request.RequestUri!.AbsolutePath.Contains("/hang/", StringComparison.Ordinal))
                    {
                        await Task.Delay(TimeSpan.FromSeconds(30), ct); // the hanging endpoint: answers after 30 s, or never once cancelled
                    }

                    return new HttpResponseMessage(HttpStatusCode.OK);
                }))));
        }
    }
}
