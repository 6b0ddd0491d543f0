using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// What <c>GET /api/v1/deployments/{id}</c> says, on the real app with a manual clock (the orchestrator's tick is an
/// hour; the test ticks it) and metrics posted through the API: <c>analysis</c>, the live evaluation between stored
/// verdicts; verdict outcomes and event kinds as camelCase enum values, stored as the strings the columns held before
/// they were enums, so an existing database reads (and keeps being written) without a migration.
/// </summary>
public sealed class DeploymentReadApiTests : IAsyncLifetime
{
    private const string Model = "support-chat";
    private readonly DeploymentFactory _factory = new();
    private HttpClient _client = null!;
    private DeploymentDriver _driver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
    public async Task Analysis_counts_the_steps_samples_against_the_minimum_and_its_seconds_advance_as_events_arrive_and_time_passes()
    {
        var id = await _driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 60 }, guard = new { minSamples = 50 } });
        await _driver.TickAsync(3); // the third pass stores the step's first verdict: insufficient data
        var stepStarted = _factory.Clock.UtcNow;

        _factory.Clock.Advance(TimeSpan.FromSeconds(5));
        await _driver.PostEventsAsync("1.1.0", 30, failEvery: 0);
        await _driver.PostEventsAsync("1.0.0", 200, failEvery: 0);
        var first = (await _driver.GetAsync(id)).GetProperty("analysis");

        Assert.Equal("bake", first.GetProperty("phase").GetString());
        Assert.Equal((1, 3, 10), (first.GetProperty("step").GetInt32(), first.GetProperty("stepCount").GetInt32(), first.GetProperty("trafficPercent").GetInt32()));
        Assert.Equal(stepStarted, first.GetProperty("phaseStartedAt").GetDateTime().ToUniversalTime());
        Assert.Equal((5.0, 60.0, 55.0), Seconds(first, "secondsIntoPhase", "phaseSeconds", "secondsLeft"));
        Assert.Equal((30, 0, 200, 50), (Requests(first, "canary"), first.GetProperty("canary").GetProperty("errors").GetInt64(), Requests(first, "baseline"),
            first.GetProperty("requiredSamples").GetInt32()));
        foreach (var window in new[] { first.GetProperty("canary"), first.GetProperty("baseline") })
        {
            // The verdict's window: from the step's first second to now, stated on each figure.
            Assert.Equal(stepStarted, window.GetProperty("from").GetDateTime().ToUniversalTime());
            Assert.Equal(5.0, window.GetProperty("seconds").GetDouble());
        }

        Assert.Equal("insufficientData", first.GetProperty("outcome").GetString());
        Assert.Contains("30 of 50", first.GetProperty("summary").GetString(), StringComparison.Ordinal);
        // The last pass began when the step did; the next comes at most one tick (an hour here) later.
        Assert.Equal(stepStarted, first.GetProperty("lastJudgementAt").GetDateTime().ToUniversalTime());
        Assert.Equal(stepStarted.AddHours(1), first.GetProperty("nextJudgementAt").GetDateTime().ToUniversalTime());
        Assert.Equal(3595.0, first.GetProperty("secondsToNextJudgement").GetDouble());

        _factory.Clock.Advance(TimeSpan.FromSeconds(3));
        await _driver.PostEventsAsync("1.1.0", 30, failEvery: 0);
        var later = (await _driver.GetAsync(id)).GetProperty("analysis");

        Assert.Equal((8.0, 60.0, 52.0), Seconds(later, "secondsIntoPhase", "phaseSeconds", "secondsLeft"));
        Assert.Equal((60, 200), (Requests(later, "canary"), Requests(later, "baseline")));
        Assert.Equal(8.0, later.GetProperty("canary").GetProperty("seconds").GetDouble());
        Assert.Equal(3592.0, later.GetProperty("secondsToNextJudgement").GetDouble());
        // Judged live between passes: the last stored verdict still says insufficient data.
        Assert.Equal("pass", later.GetProperty("outcome").GetString());
        Assert.Equal("insufficientData", (await _driver.GetAsync(id)).GetProperty("verdicts").EnumerateArray().Last().GetProperty("outcome").GetString());

        await _driver.TickAsync(1);
        var judged = (await _driver.GetAsync(id)).GetProperty("analysis");
        Assert.Equal(stepStarted.AddSeconds(8), judged.GetProperty("lastJudgementAt").GetDateTime().ToUniversalTime());
        Assert.Equal(3600.0, judged.GetProperty("secondsToNextJudgement").GetDouble());
    }

    [Fact]
    public async Task A_finished_deployment_has_no_analysis_and_a_health_check_counts_down_to_its_timeout()
    {
        var id = await _driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        var pending = (await _driver.GetAsync(id)).GetProperty("analysis");
        Assert.Equal("pending", pending.GetProperty("phase").GetString());

        await _driver.TickAsync(1);
        _factory.Clock.Advance(TimeSpan.FromSeconds(4));
        var checking = (await _driver.GetAsync(id)).GetProperty("analysis");
        Assert.Equal("healthCheck", checking.GetProperty("phase").GetString());
        Assert.Equal((4.0, 30.0, 26.0), Seconds(checking, "secondsIntoPhase", "phaseSeconds", "secondsLeft"));
        Assert.Equal(JsonValueKind.Null, checking.GetProperty("canary").ValueKind);

        using var rolledBack = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "test" }, Ct);
        var finished = await rolledBack.ReadJsonAsync();
        Assert.Equal("rolledBack", finished.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, finished.GetProperty("analysis").ValueKind);
    }

    [Fact]
    public async Task Outcomes_and_event_kinds_are_camelCase_on_the_wire_and_stored_as_before()
    {
        var id = await _driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await _driver.TickAsync(3);

        var deployment = await _driver.GetAsync(id);
        var kinds = deployment.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["created", "healthCheck", "healthCheck", "trafficShiftPlanned", "trafficShifted"], kinds);
        Assert.Equal("insufficientData", deployment.GetProperty("verdicts").EnumerateArray().Single().GetProperty("outcome").GetString());

        await using var db = await _driver.DbAsync();
        var storedKinds = await db.Database.SqlQuery<string>($"SELECT Kind AS Value FROM DeploymentEvents WHERE DeploymentId = {id} ORDER BY Id").ToListAsync(Ct);
        Assert.Equal(["created", "health-check", "health-check", "traffic-shift-planned", "traffic-shifted"], storedKinds);
        Assert.Equal("InsufficientData", await db.Database.SqlQuery<string>($"SELECT Outcome AS Value FROM Verdicts WHERE DeploymentId = {id}").SingleAsync(Ct));
    }

    [Fact]
    public async Task Rows_written_before_the_enums_read_as_enums()
    {
        var id = await _driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await using (var db = await _driver.DbAsync())
        {
            var at = _factory.Clock.UtcNow;
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO DeploymentEvents (DeploymentId, At, Kind, Message, Actor) VALUES ({id}, {at}, 'route-moved', 'old row', 'orchestrator')", Ct);
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO Verdicts (DeploymentId, Step, TrafficPercent, At, Outcome, WindowSeconds, CanarySamples, BaselineSamples, ChecksJson, Summary) VALUES ({id}, 0, 10, {at}, 'Fail', 12, 60, 300, '[]', 'old row')", Ct);
        }

        var deployment = await _driver.GetAsync(id);
        Assert.Equal("routeMoved", deployment.GetProperty("events").EnumerateArray().Last().GetProperty("kind").GetString());
        var verdict = deployment.GetProperty("verdicts").EnumerateArray().Single();
        Assert.Equal("fail", verdict.GetProperty("outcome").GetString());
        // Queries that compare kinds translate to the stored strings.
        await using var read = await _driver.DbAsync();
        Assert.Equal(1, await read.DeploymentEvents.CountAsync(e => e.DeploymentId == id && e.Kind == DeploymentEventKind.RouteMoved, Ct));
        Assert.Equal(1, await read.Verdicts.CountAsync(v => v.DeploymentId == id && v.Outcome == VerdictOutcome.Fail, Ct));
    }

    private static long Requests(JsonElement analysis, string version) => analysis.GetProperty(version).GetProperty("requests").GetInt64();

    private static (double, double, double) Seconds(JsonElement analysis, string a, string b, string c) =>
        (analysis.GetProperty(a).GetDouble(), analysis.GetProperty(b).GetDouble(), analysis.GetProperty(c).GetDouble());
}
