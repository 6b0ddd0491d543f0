using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// The rules of protected environments (DESIGN.md §2): production takes only versions that succeeded in a non-protected
/// environment, and never a breaking change all at once. A refusal says what to do and stores nothing — no deployment,
/// no snapshot, no event, no audit entry.
/// </summary>
public sealed class DeploymentSafetyApiTests : IAsyncLifetime
{
    private const string Model = "support-chat";
    private readonly DeploymentFactory _factory = new();
    private HttpClient _client = null!;
    private DeploymentDriver _staging = null!;
    private DeploymentDriver _production = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        _staging = new DeploymentDriver(_factory, _client, Model, "staging");
        _production = new DeploymentDriver(_factory, _client, Model, "production");
        await _staging.SeedServedModelAsync("1.0.0", "1.1.0", "2.0.0");
        await _production.ServeAsync("1.0.0");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_breaking_change_proven_in_staging_is_refused_a_direct_deployment_into_production_naming_strategy()
    {
        await _staging.SucceedCanaryAsync("2.0.0", acknowledgeBreakingChange: true);
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var direct = await PostAsync("2.0.0", "production", "direct", acknowledgeBreakingChange: true);

        var problem = await direct.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "strategy");
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("protected 'production' cannot be deployed directly", detail, StringComparison.Ordinal);
        Assert.Contains("use blueGreen or canary", detail, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
        Assert.Equal([("1.0.0", 100)], await _production.SplitsAsync());

        // What the message offers is accepted.
        using var blueGreen = await PostAsync("2.0.0", "production", "blueGreen", acknowledgeBreakingChange: true);
        var created = await blueGreen.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("1.0.0", created.GetProperty("fromVersion").GetString());
        Assert.Equal("2.0.0", created.GetProperty("toVersion").GetString());
    }

    [Fact]
    public async Task A_compatible_version_proven_in_staging_may_go_into_production_directly()
    {
        await _staging.SucceedCanaryAsync("1.1.0");

        using var direct = await PostAsync("1.1.0", "production", "direct");

        var created = await direct.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("direct", created.GetProperty("strategy").GetString());
        Assert.Equal("pending", created.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unacknowledged_breaking_change_into_production_is_refused_naming_acknowledgeBreakingChange_first()
    {
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await PostAsync("2.0.0", "production", "direct");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "acknowledgeBreakingChange");
        Assert.Contains("Set 'acknowledgeBreakingChange' to true", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
    }

    [Fact]
    public async Task A_version_never_deployed_in_staging_is_refused_for_production_then_accepted_once_it_succeeded_there()
    {
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var unproven = await PostAsync("1.1.0", "production", "canary");

        var problem = await unproven.ShouldBeProblemAsync(HttpStatusCode.Conflict, "version");
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains($"{Model}@1.1.0 has no succeeded deployment in staging", detail, StringComparison.Ordinal);
        Assert.Contains("Deploy it there first", detail, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));

        var staged = await _staging.SucceedCanaryAsync("1.1.0");
        using var proven = await PostAsync("1.1.0", "production", "canary");

        var created = await proven.ReadJsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(staged, created.GetProperty("id").GetInt64());
        Assert.Equal("production", created.GetProperty("environment").GetString());
        Assert.Equal("1.0.0", created.GetProperty("fromVersion").GetString());
        Assert.NotEqual(0, created.GetProperty("snapshotId").GetInt64());
    }

    [Fact]
    public async Task A_staging_deployment_that_is_still_running_or_was_rolled_back_proves_nothing()
    {
        var id = await _staging.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await _staging.TickAsync(2);
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var whileRunning = await PostAsync("1.1.0", "production", "canary");
        await whileRunning.ShouldBeProblemAsync(HttpStatusCode.Conflict, "version");
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));

        using var rollback = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = "errors in staging" }, Ct);
        Assert.Equal("rolledBack", (await rollback.ReadJsonAsync()).GetProperty("status").GetString());
        before = await DatabaseCounts.ReadAsync(_factory);

        using var afterRollback = await PostAsync("1.1.0", "production", "canary");
        await afterRollback.ShouldBeProblemAsync(HttpStatusCode.Conflict, "version");
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
    }

    [Fact]
    public async Task A_staging_success_on_zero_requests_does_not_open_production_and_the_refusal_says_why()
    {
        var id = await _staging.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "direct", guard = new { watchSeconds = 0 } });
        await _staging.TickAsync(3);
        Assert.Equal("succeeded", (await _staging.GetAsync(id)).GetProperty("status").GetString());
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var unproven = await PostAsync("1.1.0", "production", "canary");

        var problem = await unproven.ShouldBeProblemAsync(HttpStatusCode.Conflict, "version");
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains($"{Model}@1.1.0 succeeded in staging (deployment {id}) without evidence", detail, StringComparison.Ordinal);
        Assert.Contains("no verdict there passed on at least 50 of its requests (minSamples)", detail, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));

        // The same version deployed again under traffic is evidence.
        await _staging.ServeAsync("1.0.0", expectedRevision: 2);
        await _staging.SucceedCanaryAsync("1.1.0");
        using var proven = await PostAsync("1.1.0", "production", "canary");
        await proven.ReadJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_first_deployment_into_an_empty_production_route_also_needs_a_succeeded_staging_deployment()
    {
        await Seed.ModelAsync(_client, "new-model");
        await Seed.VersionAsync(_client, "new-model", "1.0.0");
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await _client.PostAsJsonAsync("/api/v1/deployments",
            new { model = "new-model", version = "1.0.0", environment = "production", strategy = "direct" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "version");
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
    }

    private Task<HttpResponseMessage> PostAsync(string version, string environment, string strategy, bool acknowledgeBreakingChange = false) =>
        _client.PostAsJsonAsync("/api/v1/deployments", new { model = Model, version, environment, strategy, acknowledgeBreakingChange }, Ct);
}
