using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// Every strategy through the API, the orchestrator driven one tick at a time on a manual clock, metrics posted through
/// <c>/api/v1/metrics/events</c>: each assertion is about one decision, not about timing.
/// </summary>
public sealed class OrchestratorTests : IAsyncLifetime
{
    private const string Model = "support-chat";
    private DeploymentFactory _factory = new();
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await Driver.SeedServedModelAsync("1.0.0", "1.1.0", "2.0.0");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_healthy_canary_with_two_second_steps_goes_10_50_100_and_succeeds()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 2 }, guard = new { minSamples = 20, watchSeconds = 2 } });

        await TickAsync(2);
        Assert.Equal([("1.0.0", 90), ("1.1.0", 10)], await SplitsAsync());

        await BakeAsync(healthyErrorsEvery: 0);
        Assert.Equal([("1.0.0", 50), ("1.1.0", 50)], await SplitsAsync());
        await BakeAsync(healthyErrorsEvery: 0);
        Assert.Equal([("1.1.0", 100)], await SplitsAsync());
        await BakeAsync(healthyErrorsEvery: 0);

        var deployment = await GetAsync(id);
        Assert.Equal("succeeded", deployment.GetProperty("status").GetString());
        Assert.Equal(100, deployment.GetProperty("trafficPercent").GetInt32());
        Assert.Contains(deployment.GetProperty("verdicts").EnumerateArray(), v => v.GetProperty("outcome").GetString() == "pass");
        Assert.Equal(4, (await RouteAsync()).Revision);
    }

    [Fact]
    public async Task A_canary_with_half_its_requests_failing_rolls_back_and_names_the_verdict()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 30 }, guard = new { minSamples = 20 } });
        await TickAsync(2);

        _factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await PostEventsAsync("1.0.0", 200, failEvery: 0);
        await PostEventsAsync("1.1.0", 40, failEvery: 2);
        await TickAsync(1);

        Assert.Equal([("1.0.0", 100)], await SplitsAsync());
        var deployment = await GetAsync(id);
        Assert.Equal("rolledBack", deployment.GetProperty("status").GetString());
        var verdictId = deployment.GetProperty("rollbackVerdictId").GetInt64();
        var verdict = Assert.Single(deployment.GetProperty("verdicts").EnumerateArray(), v => v.GetProperty("id").GetInt64() == verdictId);
        Assert.Equal("fail", verdict.GetProperty("outcome").GetString());
        Assert.Contains(verdict.GetProperty("checks").EnumerateArray(), c => c.GetProperty("metric").GetString() == "errorRate" && c.GetProperty("canaryValue").GetDouble() == 50);
    }

    [Fact]
    public async Task Events_in_the_same_second_as_the_shift_count_toward_the_steps_verdict()
    {
        // The burst lands in the second the 10% step started; one second later a trailing one-second window would
        // cover only the new second and never see it, holding the canary at "insufficient data" for the whole step.
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 30 }, guard = new { minSamples = 20 } });
        await TickAsync(2);
        await PostEventsAsync("1.0.0", 200, failEvery: 0);
        await PostEventsAsync("1.1.0", 40, failEvery: 2);

        _factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await TickAsync(1);

        var deployment = await GetAsync(id);
        Assert.Equal("rolledBack", deployment.GetProperty("status").GetString());
        var verdict = Assert.Single(deployment.GetProperty("verdicts").EnumerateArray(), v => v.GetProperty("outcome").GetString() == "fail");
        Assert.Equal(40, verdict.GetProperty("canarySamples").GetInt64());
        Assert.Equal([("1.0.0", 100)], await SplitsAsync());
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("blueGreen")]
    public async Task Direct_and_blue_green_switch_in_one_write_after_the_health_check_then_succeed_after_the_watch(string strategy)
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy, guard = new { watchSeconds = 5 } });
        await TickAsync(1);
        Assert.Equal([("1.0.0", 100)], await SplitsAsync());

        await TickAsync(1);
        Assert.Equal([("1.1.0", 100)], await SplitsAsync());
        _factory.Clock.Advance(TimeSpan.FromSeconds(5));
        await TickAsync(1);

        Assert.Equal("succeeded", (await GetAsync(id)).GetProperty("status").GetString());
        Assert.Equal(2, (await RouteAsync()).Revision);
    }

    [Fact]
    public async Task An_unhealthy_target_fails_before_any_traffic_moves()
    {
        await Seed.VersionAsync(_client, Model, "1.2.0", endpoint: "https://models.example.com/bad/1.2.0/");
        var id = await CreateAsync(new { model = Model, version = "1.2.0", environment = "staging", strategy = "blueGreen" });
        await TickAsync(2);

        var deployment = await GetAsync(id);
        Assert.Equal("failed", deployment.GetProperty("status").GetString());
        Assert.Contains("health check failed", deployment.GetProperty("rollbackCause").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await RouteAsync()).Revision);
    }

    [Fact]
    public async Task Restarting_mid_step_continues_the_canary_without_shifting_twice()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 2 }, guard = new { minSamples = 20, watchSeconds = 2 } });
        await TickAsync(2);
        Assert.Equal(2, (await RouteAsync()).Revision);

        var path = _factory.DatabasePath;
        _client.Dispose();
        var original = _factory;
        await using (var restarted = new DeploymentFactoryOnFile(path))
        {
            _factory = restarted;
            _client = restarted.CreateClient();
            await TickAsync(1);
            Assert.Equal(2, (await RouteAsync()).Revision);

            await BakeAsync(healthyErrorsEvery: 0);
            await BakeAsync(healthyErrorsEvery: 0);
            await BakeAsync(healthyErrorsEvery: 0);
            Assert.Equal("succeeded", (await GetAsync(id)).GetProperty("status").GetString());
            Assert.Equal(4, (await RouteAsync()).Revision);
            Assert.Equal(4, await CountAsync(db => db.AuditEntries.CountAsync(a => a.Action == "route.changed", Ct)));
            _client.Dispose();
            _client = original.CreateClient();
            _factory = original;
        }
    }

    [Fact]
    public async Task A_shift_written_before_a_crash_is_confirmed_not_repeated()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 2 }, guard = new { minSamples = 20 } });
        await TickAsync(2);

        // The crash: the 50% step was planned and written, but its confirmation never reached the deployment row.
        await using (var db = await DbAsync())
        {
            var deployment = await db.Deployments.FirstAsync(d => d.Id == id, Ct);
            deployment.AdvanceStep();
            deployment.PlanShift([new PlannedSplit { Version = "1.0.0", Weight = 50 }, new PlannedSplit { Version = "1.1.0", Weight = 50 }], revision: 3, targetPercent: 50);
            await db.SaveChangesAsync(Ct);
        }

        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("deployment-orchestrator", ActorRole.Operator), "staging", Model,
            [new SplitInfo("1.0.0", 50), new SplitInfo("1.1.0", 50)], expectedRevision: 2, reason: "written before the crash", Ct);
        await TickAsync(1);

        Assert.Equal(3, (await RouteAsync()).Revision);
        var after = await GetAsync(id);
        Assert.Equal(50, after.GetProperty("trafficPercent").GetInt32());
        Assert.Contains(after.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "trafficShifted" && e.GetProperty("routeRevision").GetInt64() == 3);
    }

    [Fact]
    public async Task Concurrent_promote_and_rollback_one_wins_the_other_gets_409()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await TickAsync(2);
        var stamp = (await GetAsync(id)).GetProperty("concurrencyStamp").GetInt32();

        var promote = _client.PostAsJsonAsync($"/api/v1/deployments/{id}/promote", new { expectedStamp = stamp }, Ct);
        var rollback = _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "operator saw errors", expectedStamp = stamp }, Ct);
        var codes = (await Task.WhenAll(promote, rollback)).Select(r => r.StatusCode).Order().ToList();

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], codes);
        var loser = (await promote).StatusCode == HttpStatusCode.Conflict ? await promote : await rollback;
        var problem = await loser.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("was changed by test-user", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manual_rollback_needs_a_reason_and_appears_in_the_models_audit()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await TickAsync(2);

        using var noReason = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = " " }, Ct);
        await noReason.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "reason");
        using var rollback = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "latency complaints from support" }, Ct);
        var deployment = await rollback.ReadJsonAsync();

        Assert.Equal("rolledBack", deployment.GetProperty("status").GetString());
        Assert.Equal([("1.0.0", 100)], await SplitsAsync());
        var audit = await (await _client.GetAsync($"/api/v1/audit?model={Model}", Ct)).ReadJsonAsync();
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "deployment.rolled-back"
            && e.GetProperty("reason").GetString() == "latency complaints from support" && e.GetProperty("version").GetString() == "1.1.0");
    }

    [Fact]
    public async Task A_route_changed_outside_the_deployment_aborts_it_instead_of_being_overwritten()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 2 }, guard = new { minSamples = 20 } });
        await TickAsync(2);
        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("bob.sre", ActorRole.Operator), "staging", Model,
            [new SplitInfo("1.0.0", 100)], expectedRevision: 2, reason: "pulled the canary by hand", Ct);

        await BakeAsync(healthyErrorsEvery: 0); // the step passes; the next shift would have been 50%

        var deployment = await GetAsync(id);
        Assert.Equal("aborted", deployment.GetProperty("status").GetString());
        Assert.Contains("bob.sre changed the route", deployment.GetProperty("events").EnumerateArray().Last().GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await RouteAsync()).Revision);
        Assert.Equal([("1.0.0", 100)], await SplitsAsync());
        Assert.Equal(1, await CountAsync(db => db.AuditEntries.CountAsync(a => a.Action == AuditActions.DeploymentAborted, Ct)));
    }

    [Fact]
    public async Task A_route_changed_between_a_planned_shift_and_its_write_aborts_the_deployment()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 2 }, guard = new { minSamples = 20 } });
        await TickAsync(2);
        await using (var db = await DbAsync())
        {
            var deployment = await db.Deployments.FirstAsync(d => d.Id == id, Ct);
            deployment.PlanShift([new PlannedSplit { Version = "1.0.0", Weight = 50 }, new PlannedSplit { Version = "1.1.0", Weight = 50 }], revision: 3, targetPercent: 50);
            await db.SaveChangesAsync(Ct);
        }

        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("bob.sre", ActorRole.Operator), "staging", Model,
            [new SplitInfo("1.0.0", 100)], expectedRevision: 2, reason: "pulled the canary by hand", Ct);
        await TickAsync(1);

        Assert.Equal("aborted", (await GetAsync(id)).GetProperty("status").GetString());
        Assert.Equal([("1.0.0", 100)], await SplitsAsync());
        Assert.Equal(3, (await RouteAsync()).Revision);
    }

    [Fact]
    public async Task A_failed_route_write_that_left_the_route_alone_is_retried_not_taken_for_someone_elses_change()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 2 }, guard = new { minSamples = 20 } });
        await TickAsync(2);
        await ExecuteSqlAsync("CREATE TRIGGER routes_unavailable BEFORE UPDATE ON Routes BEGIN SELECT RAISE(ABORT, 'database is locked'); END;");

        await BakeAsync(healthyErrorsEvery: 0); // the step passes; writing 50% fails
        var held = await GetAsync(id);
        Assert.Equal("progressing", held.GetProperty("status").GetString());
        Assert.Equal(10, held.GetProperty("trafficPercent").GetInt32());

        await ExecuteSqlAsync("DROP TRIGGER routes_unavailable;");
        await TickAsync(1);

        Assert.Equal(50, (await GetAsync(id)).GetProperty("trafficPercent").GetInt32());
        Assert.Equal([("1.0.0", 50), ("1.1.0", 50)], await SplitsAsync());
        Assert.Equal(3, (await RouteAsync()).Revision);
    }

    [Fact]
    public async Task A_failing_canary_held_without_auto_rollback_stores_its_verdict_once_not_every_pass()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 30 }, guard = new { minSamples = 20, autoRollback = false } });
        await TickAsync(2);
        await PostEventsAsync("1.0.0", 200, failEvery: 0);
        await PostEventsAsync("1.1.0", 40, failEvery: 2);
        await TickAsync(1);
        var first = await GetAsync(id);

        await TickAsync(5);

        var later = await GetAsync(id);
        Assert.Equal("progressing", later.GetProperty("status").GetString());
        Assert.Equal(1, later.GetProperty("verdicts").EnumerateArray().Count(v => v.GetProperty("outcome").GetString() == "fail"));
        Assert.Equal(first.GetProperty("concurrencyStamp").GetInt32(), later.GetProperty("concurrencyStamp").GetInt32());
    }

    [Fact]
    public async Task Promoting_after_the_route_was_changed_outside_is_a_409_and_the_deployment_is_aborted_not_promoted()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await TickAsync(2);
        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("bob.sre", ActorRole.Operator), "staging", Model,
            [new SplitInfo("1.0.0", 100)], expectedRevision: 2, reason: "pulled the canary by hand", Ct);

        using var promote = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/promote", new { }, Ct);

        await promote.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("aborted", (await GetAsync(id)).GetProperty("status").GetString());
        Assert.Equal(0, await CountAsync(db => db.AuditEntries.CountAsync(a => a.Action == AuditActions.DeploymentPromoted, Ct)));
        Assert.Equal([("1.0.0", 100)], await SplitsAsync());
    }

    [Fact]
    public async Task Rolling_back_a_first_deployment_leaves_a_route_someone_else_created_meanwhile()
    {
        var model = await UnroutedModelAsync();
        var id = await CreateAsync(new { model, version = "1.0.0", environment = "staging", strategy = "canary" });
        await TickAsync(1); // health-checking: no route yet
        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("bob.sre", ActorRole.Operator), "staging", model,
            [new SplitInfo("1.0.0", 100)], expectedRevision: 0, reason: "served by hand", Ct);

        using var rollback = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "not needed any more" }, Ct);

        Assert.Equal("rolledBack", (await rollback.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal(1, (await RouteAsync(model)).Revision);
    }

    [Fact]
    public async Task Rolling_back_a_first_deployment_removes_the_route_it_established()
    {
        var model = await UnroutedModelAsync();
        var id = await CreateAsync(new { model, version = "1.0.0", environment = "staging", strategy = "canary" });
        await TickAsync(2);
        Assert.Equal(1, (await RouteAsync(model)).Revision);

        using var rollback = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "not ready for staging" }, Ct);
        var deployment = await rollback.ReadJsonAsync();

        Assert.Equal("rolledBack", deployment.GetProperty("status").GetString());
        using var route = await _client.GetAsync($"/api/v1/environments/staging/routes/{model}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, route.StatusCode);
        Assert.Equal(1, await CountAsync(db => db.AuditEntries.CountAsync(a => a.Action == AuditActions.RouteRemoved && a.ModelName == model, Ct)));
        Assert.Contains(deployment.GetProperty("events").EnumerateArray(), e => e.GetProperty("message").GetString()!.StartsWith("Route removed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_route_removal_interrupted_by_a_crash_is_finished_once_on_the_next_tick()
    {
        var model = await UnroutedModelAsync();
        var id = await CreateAsync(new { model, version = "1.0.0", environment = "staging", strategy = "canary" });
        await TickAsync(2);

        // The crash: the rollback's removal was planned and persisted, then the process died before writing it.
        await using (var db = await DbAsync())
        {
            var deployment = await db.Deployments.FirstAsync(d => d.Id == id, Ct);
            deployment.BeginRollback("operator: not ready for staging", verdictId: null);
            deployment.PlanShift([], revision: 2, targetPercent: 0);
            await db.SaveChangesAsync(Ct);
        }

        await TickAsync(2);

        var after = await GetAsync(id);
        Assert.Equal("rolledBack", after.GetProperty("status").GetString());
        // The persisted plan was finished, not planned again: one plan (the first shift), two shifts.
        var kinds = after.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(1, kinds.Count(k => k == "trafficShiftPlanned"));
        Assert.Equal(2, kinds.Count(k => k == "trafficShifted"));
        await Assert.ThrowsAsync<NotFoundException>(() => RouteAsync(model));
        Assert.Equal(1, await CountAsync(db => db.AuditEntries.CountAsync(a => a.Action == AuditActions.RouteRemoved && a.ModelName == model, Ct)));
    }

    [Fact]
    public async Task Safety_rules_refuse_with_a_message_that_says_what_to_do()
    {
        using var breaking = await _client.PostAsJsonAsync("/api/v1/deployments", new { model = Model, version = "2.0.0", environment = "staging", strategy = "canary" }, Ct);
        var problem = await breaking.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "acknowledgeBreakingChange");
        Assert.Contains("Breaking change", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var unproven = await _client.PostAsJsonAsync("/api/v1/deployments", new { model = Model, version = "1.1.0", environment = "production", strategy = "canary" }, Ct);
        var conflict = await unproven.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Deploy it there first", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        using var second = await _client.PostAsJsonAsync("/api/v1/deployments", new { model = Model, version = "1.1.0", environment = "staging", strategy = "direct" }, Ct);
        await second.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await CountAsync(db => db.Deployments.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_snapshot_is_taken_before_the_deployment_and_diffs_against_the_moved_route()
    {
        var id = await CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await TickAsync(2);
        var snapshotId = (await GetAsync(id)).GetProperty("snapshotId").GetInt64();

        var detail = await (await _client.GetAsync($"/api/v1/snapshots/{snapshotId}", Ct)).ReadJsonAsync();

        Assert.Equal(id, detail.GetProperty("snapshot").GetProperty("deploymentId").GetInt64());
        Assert.False(detail.GetProperty("diff").GetProperty("identical").GetBoolean());
        Assert.Contains(detail.GetProperty("diff").GetProperty("changes").EnumerateArray(), c => c.GetProperty("version").GetString() == "1.1.0" && c.GetProperty("currentWeight").GetInt32() == 10);
    }

    // The driver follows _factory and _client, which the restart test swaps for a second host on the same file.
    private DeploymentDriver Driver => new(_factory, _client, Model);

    private Task BakeAsync(int healthyErrorsEvery) => Driver.BakeAsync("1.0.0", "1.1.0", healthyErrorsEvery);

    private Task<long> CreateAsync(object body) => Driver.CreateAsync(body);

    private Task<JsonElement> GetAsync(long id) => Driver.GetAsync(id);

    private Task TickAsync(int times) => Driver.TickAsync(times);

    private async Task ExecuteSqlAsync(string sql)
    {
        await using var db = await DbAsync();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    /// <summary>A model with one version and no route anywhere yet.</summary>
    private async Task<string> UnroutedModelAsync()
    {
        var model = Seed.UniqueName("fresh");
        await Seed.ModelAsync(_client, model);
        await Seed.VersionAsync(_client, model, "1.0.0");
        return model;
    }

    private Task<RouteInfo> RouteAsync(string model = Model) => new DeploymentDriver(_factory, _client, model).RouteAsync();

    private Task<List<(string, int)>> SplitsAsync() => Driver.SplitsAsync();

    private Task<RegistryDbContext> DbAsync() => Driver.DbAsync();

    private Task<int> CountAsync(Func<RegistryDbContext, Task<int>> count) => Driver.CountAsync(count);

    private Task PostEventsAsync(string version, int count, int failEvery) => Driver.PostEventsAsync(version, count, failEvery);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
