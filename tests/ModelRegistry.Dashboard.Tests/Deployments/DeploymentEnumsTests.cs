using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// Verdict outcomes and deployment event kinds: camelCase enum values on the wire, and in the database the strings the
/// columns held before they were enums, so an existing database reads (and keeps being written) without a migration.
/// </summary>
public sealed class DeploymentEnumsTests : IAsyncLifetime
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
}
