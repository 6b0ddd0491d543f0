using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// A rollback always ends with the target at 0%, even when the pre-deployment snapshot already gave it traffic (the
/// demo's staging route: support-chat 1.2.0 90% / 2.0.0 10%); restoring a snapshot by hand stays exact.
/// </summary>
public sealed class RollbackTests : IAsyncLifetime
{
    private const string Model = "support-chat";
    private readonly DeploymentFactory _factory = new();
    private HttpClient _client = null!;

    private DeploymentDriver Driver => new(_factory, _client, Model);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await Driver.SeedServedModelAsync("1.0.0", "1.1.0", "1.2.0");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_failing_canary_whose_snapshot_already_gave_the_target_traffic_ends_with_the_target_at_zero()
    {
        await SplitAsync(("1.0.0", 90), ("1.1.0", 10));
        var id = await Driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 30 }, guard = new { minSamples = 20 } });
        await Driver.TickAsync(2);
        Assert.Equal([("1.0.0", 90), ("1.1.0", 10)], await Driver.SplitsAsync());

        _factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Driver.PostEventsAsync("1.0.0", 200, failEvery: 0);
        await Driver.PostEventsAsync("1.1.0", 40, failEvery: 2);
        await Driver.TickAsync(1);

        var deployment = await Driver.GetAsync(id);
        Assert.Equal("rolledBack", deployment.GetProperty("status").GetString());
        Assert.Equal(0, deployment.GetProperty("trafficPercent").GetInt32());
        Assert.Equal([("1.0.0", 100)], await Driver.SplitsAsync());
        var route = await (await _client.GetAsync($"/api/v1/environments/staging/routes/{Model}", Ct)).ReadJsonAsync();
        Assert.DoesNotContain(route.GetProperty("splits").EnumerateArray(), s => s.GetProperty("version").GetString() == "1.1.0");
        Assert.Contains(deployment.GetProperty("events").EnumerateArray(), e =>
            e.GetProperty("message").GetString()!.Contains("1.1.0 had 10% before the deployment; it gets 0% now", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_manual_rollback_gives_the_targets_weight_back_to_the_stable_version_and_keeps_the_others()
    {
        await SplitAsync(("1.0.0", 70), ("1.1.0", 20), ("1.2.0", 10));
        var id = await Driver.CreateAsync(new { model = Model, version = "1.2.0", environment = "staging", strategy = "canary" });
        await Driver.TickAsync(2);
        Assert.Equal([("1.0.0", 90), ("1.2.0", 10)], await Driver.SplitsAsync());

        using var response = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "support saw bad answers" }, Ct);
        var deployment = await response.ReadJsonAsync();

        Assert.Equal("rolledBack", deployment.GetProperty("status").GetString());
        Assert.Equal([("1.0.0", 80), ("1.1.0", 20)], await Driver.SplitsAsync());
    }

    [Fact]
    public async Task A_rollback_before_any_shift_still_takes_the_target_out_of_a_route_that_already_served_it()
    {
        await SplitAsync(("1.0.0", 90), ("1.1.0", 10));
        var id = await Driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });

        using var response = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "changed my mind" }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal([("1.0.0", 100)], await Driver.SplitsAsync());
    }

    [Fact]
    public async Task Restoring_the_pre_deployment_snapshot_by_hand_stays_exact()
    {
        await SplitAsync(("1.0.0", 90), ("1.1.0", 10));
        var id = await Driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await Driver.TickAsync(2);
        using (await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "bad answers" }, Ct))
        {
        }

        var snapshotId = (await Driver.GetAsync(id)).GetProperty("snapshotId").GetInt64();
        using var restore = await _client.PostAsJsonAsync($"/api/v1/snapshots/{snapshotId}/restore", new { reason = "put the 10% experiment back" }, Ct);

        Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        Assert.Equal([("1.0.0", 90), ("1.1.0", 10)], await Driver.SplitsAsync());
    }

    [Fact]
    public async Task A_failed_health_check_of_a_target_that_already_had_traffic_rolls_it_back_to_zero()
    {
        await Seed.VersionAsync(_client, Model, "1.3.0", endpoint: "https://models.example.com/bad/1.3.0/");
        await SplitAsync(("1.0.0", 90), ("1.3.0", 10));
        var id = await Driver.CreateAsync(new { model = Model, version = "1.3.0", environment = "staging", strategy = "canary" });

        await Driver.TickAsync(3);

        var deployment = await Driver.GetAsync(id);
        Assert.Equal("rolledBack", deployment.GetProperty("status").GetString());
        Assert.Contains("health check failed", deployment.GetProperty("rollbackCause").GetString(), StringComparison.Ordinal);
        Assert.Equal([("1.0.0", 100)], await Driver.SplitsAsync());
    }

    [Theory]
    [InlineData("1.0.0:90,2.0.0:10", "2.0.0", "1.0.0", "1.0.0:100")]
    [InlineData("1.0.0:70,1.1.0:20,2.0.0:10", "2.0.0", "1.0.0", "1.0.0:80,1.1.0:20")]
    [InlineData("1.0.0:70,1.1.0:20,2.0.0:10", "2.0.0", "9.9.9", "1.0.0:80,1.1.0:20")]
    [InlineData("1.0.0:100", "2.0.0", "1.0.0", "1.0.0:100")]
    [InlineData("2.0.0:60,1.0.0:40", "2.0.0", null, "1.0.0:100")]
    [InlineData("", "2.0.0", null, "")]
    public void The_plan_removes_the_target_and_gives_its_weight_to_the_stable_version(string snapshot, string target, string? stable, string expected)
    {
        var plan = RollbackPlan.Without(Parse(snapshot), target, stable);

        Assert.Equal(expected, string.Join(",", plan.Select(s => $"{s.Version}:{s.Weight}")));
    }

    private static List<PlannedSplit> Parse(string splits) =>
        [.. splits.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split(':')).Select(p => new PlannedSplit { Version = p[0], Weight = int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture) })];

    private async Task SplitAsync(params (string Version, int Weight)[] splits)
    {
        var route = await Driver.RouteAsync();
        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("seed", ActorRole.Admin), "staging", Model,
            [.. splits.Select(s => new SplitInfo(s.Version, s.Weight))], expectedRevision: route.Revision, reason: "test", Ct);
    }
}
