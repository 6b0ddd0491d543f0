using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// <c>/api/v1/snapshots</c> (DESIGN.md §5): a snapshot taken by hand is listed and read back with its diff against the
/// route; restoring it puts the route back in one write, with the reason in the audit log. Refusals store nothing.
/// </summary>
public sealed class SnapshotsApiTests : IAsyncLifetime
{
    private const string Model = "support-chat";
    private static readonly Actor Alice = new("alice", ActorRole.Operator);
    private readonly DeploymentFactory _factory = new();
    private HttpClient _client = null!;
    private DeploymentDriver _staging = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        _staging = new DeploymentDriver(_factory, _client, Model, "staging");
        await _staging.SeedServedModelAsync("1.0.0", "1.1.0");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_snapshot_taken_by_hand_is_listed_read_back_and_audited()
    {
        using var response = await TakeAsync("staging", "before the experiment");

        var taken = await response.ReadAsync<SnapshotInfo>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/snapshots/{taken.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal([new SnapshotSplit("1.0.0", 100)], taken.Splits);
        Assert.Equal(1, taken.RouteRevision);
        Assert.Equal(["1.0.0"], taken.Versions);
        Assert.Equal(DashboardFactory.AnonymousName, taken.TakenBy);
        Assert.Equal("before the experiment", taken.Reason);
        Assert.Null(taken.DeploymentId);

        var listed = await (await _client.GetAsync($"/api/v1/snapshots?model={Model}&environment=staging", Ct)).ReadAsync<List<SnapshotInfo>>();
        Assert.Equal(taken.Id, Assert.Single(listed).Id);
        Assert.Empty(await (await _client.GetAsync($"/api/v1/snapshots?model={Model}&environment=production", Ct)).ReadAsync<List<SnapshotInfo>>());

        var detail = await (await _client.GetAsync($"/api/v1/snapshots/{taken.Id}", Ct)).ReadAsync<SnapshotDetail>();
        Assert.Equal((taken.Id, taken.Reason, taken.RouteRevision), (detail.Snapshot.Id, detail.Snapshot.Reason, detail.Snapshot.RouteRevision));
        Assert.Equal(taken.Splits, detail.Snapshot.Splits);
        Assert.True(detail.Diff.Identical);
        Assert.Equal(1, detail.Diff.CurrentRevision);

        var audit = await AuditAsync();
        Assert.Contains(audit, e => e.Action == AuditActions.SnapshotTaken && e.Reason == "before the experiment" && e.Target.StartsWith($"snapshot:{taken.Id} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restoring_puts_the_route_back_to_the_snapshot_in_one_write_with_the_reason_audited()
    {
        var taken = await (await TakeAsync("staging", "known good")).ReadAsync<SnapshotInfo>(HttpStatusCode.Created);
        await Routes.SetSplitsAsync(Alice, "staging", Model, [new SplitInfo("1.0.0", 50), new SplitInfo("1.1.0", 50)], expectedRevision: 1, "experiment", Ct);
        var changed = await (await _client.GetAsync($"/api/v1/snapshots/{taken.Id}", Ct)).ReadAsync<SnapshotDetail>();
        Assert.False(changed.Diff.Identical);
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await RestoreAsync(taken.Id, """{"reason":"experiment over"}""");

        var route = await response.ReadAsync<RouteInfo>();
        Assert.Equal([new SplitInfo("1.0.0", 100)], route.Splits);
        Assert.Equal(3, route.Revision);
        var served = await (await _client.GetAsync($"/api/v1/environments/staging/routes/{Model}", Ct)).ReadAsync<RouteInfo>();
        Assert.Equal(route.Revision, served.Revision);
        Assert.Equal(route.Splits, served.Splits);
        Assert.True((await (await _client.GetAsync($"/api/v1/snapshots/{taken.Id}", Ct)).ReadAsync<SnapshotDetail>()).Diff.Identical);

        // One route write and one restore entry; no new snapshot, no deployment.
        Assert.Equal(before with { AuditEntries = before.AuditEntries + 2 }, await DatabaseCounts.ReadAsync(_factory));
        var audit = await AuditAsync();
        var restored = Assert.Single(audit, e => e.Action == AuditActions.SnapshotRestored);
        Assert.Equal("experiment over", restored.Reason);
        Assert.Equal(DashboardFactory.AnonymousName, restored.Actor);
        Assert.Equal("1.0.0", restored.Version);
        Assert.StartsWith($"snapshot:{taken.Id} staging/{Model}", restored.Target, StringComparison.Ordinal);
        var routeChange = audit.Where(e => e.Action == AuditActions.RouteChanged).MaxBy(e => e.Id)!;
        Assert.Equal($"Restored snapshot {taken.Id}: experiment over", routeChange.Reason);
    }

    [Fact]
    public async Task Restoring_over_a_route_that_moved_since_the_operator_looked_is_409_naming_who_moved_it()
    {
        var taken = await (await TakeAsync("staging", "known good")).ReadAsync<SnapshotInfo>(HttpStatusCode.Created);
        await Routes.SetSplitsAsync(Alice, "staging", Model, [new SplitInfo("1.0.0", 50), new SplitInfo("1.1.0", 50)], expectedRevision: 1, "experiment", Ct);
        var seen = (await (await _client.GetAsync($"/api/v1/snapshots/{taken.Id}", Ct)).ReadAsync<SnapshotDetail>()).Diff.CurrentRevision;
        await Routes.SetSplitsAsync(Alice, "staging", Model, [new SplitInfo("1.1.0", 100)], expectedRevision: 2, "promoted meanwhile", Ct);
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await RestoreAsync(taken.Id, $$"""{"reason":"experiment over","expectedRevision":{{seen}}}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("was changed by alice", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
        Assert.Equal([("1.1.0", 100)], await _staging.SplitsAsync());

        using var current = await RestoreAsync(taken.Id, """{"reason":"experiment over","expectedRevision":3}""");
        Assert.Equal(4, (await current.ReadAsync<RouteInfo>()).Revision);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"reason":null}""")]
    [InlineData("""{"reason":""}""")]
    [InlineData("""{"reason":"   "}""")]
    [InlineData(null)] // a reason longer than the audit column: refused, not cut
    public async Task Restoring_without_a_reason_is_400_naming_reason_and_changes_nothing(string? body)
    {
        body ??= $$"""{"reason":"{{new string('x', AuditLog.MaxReasonLength + 1)}}"}""";
        var taken = await (await TakeAsync("staging", "known good")).ReadAsync<SnapshotInfo>(HttpStatusCode.Created);
        await Routes.SetSplitsAsync(Alice, "staging", Model, [new SplitInfo("1.1.0", 100)], expectedRevision: 1, "moved on", Ct);
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await RestoreAsync(taken.Id, body);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "reason");
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
        Assert.Equal(2, (await _staging.RouteAsync()).Revision);
    }

    [Fact]
    public async Task Restoring_an_unknown_snapshot_is_404()
    {
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var restore = await RestoreAsync(424242, """{"reason":"whatever"}""");
        using var get = await _client.GetAsync("/api/v1/snapshots/424242", Ct);

        var problem = await restore.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("Snapshot 424242 does not exist", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
    }

    [Fact]
    public async Task Restoring_while_a_deployment_is_active_is_409_telling_to_roll_it_back()
    {
        var taken = await (await TakeAsync("staging", "known good")).ReadAsync<SnapshotInfo>(HttpStatusCode.Created);
        var id = await _staging.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary" });
        await _staging.TickAsync(2);
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await RestoreAsync(taken.Id, """{"reason":"undo"}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"Deployment {id} (1.1.0, started by {DashboardFactory.AnonymousName}) is active", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("roll it back instead", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
        Assert.Equal([("1.0.0", 90), ("1.1.0", 10)], await _staging.SplitsAsync());
    }

    [Fact]
    public async Task A_snapshot_of_a_route_that_did_not_exist_yet_has_nothing_to_restore()
    {
        var taken = await (await TakeAsync("production", "before going live")).ReadAsync<SnapshotInfo>(HttpStatusCode.Created);
        Assert.Empty(taken.Splits);
        Assert.Equal(0, taken.RouteRevision);
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await RestoreAsync(taken.Id, """{"reason":"back to nothing"}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("there is no split to restore", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
    }

    [Fact]
    public async Task Restoring_a_snapshot_naming_a_version_archived_since_is_refused_and_leaves_the_route_alone()
    {
        var taken = await (await TakeAsync("staging", "known good")).ReadAsync<SnapshotInfo>(HttpStatusCode.Created);
        await Routes.SetSplitsAsync(Alice, "staging", Model, [new SplitInfo("1.1.0", 100)], expectedRevision: 1, "moved on", Ct);
        using var archive = await _client.PatchAsJsonAsync($"/api/v1/models/{Model}/versions/1.0.0", new { status = "archived" }, Ct);
        await archive.ShouldHaveStatusAsync(HttpStatusCode.OK);
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await RestoreAsync(taken.Id, """{"reason":"go back"}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"{Model}@1.0.0 is archived since snapshot {taken.Id} was taken", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
        Assert.Equal([("1.1.0", 100)], await _staging.SplitsAsync());
    }

    [Fact]
    public async Task Taking_a_snapshot_needs_model_environment_and_reason_all_named_at_once()
    {
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var empty = await PostJsonAsync("/api/v1/snapshots", """{"reason":"  "}""");

        var problem = await empty.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "model");
        Assert.True(problem.GetProperty("errors").TryGetProperty("environment", out _), problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _), problem.ToString());
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
    }

    [Theory]
    [InlineData("no-such-model", "staging")]
    [InlineData(Model, "qa")]
    public async Task Taking_a_snapshot_of_an_unknown_model_or_environment_is_404(string model, string environment)
    {
        var before = await DatabaseCounts.ReadAsync(_factory);

        using var response = await _client.PostAsJsonAsync("/api/v1/snapshots", new { model, environment, reason = "just in case" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
    }

    private RouteService Routes => _factory.GetRequiredService<RouteService>();

    private Task<HttpResponseMessage> TakeAsync(string environment, string reason) =>
        _client.PostAsJsonAsync("/api/v1/snapshots", new { model = Model, environment, reason }, Ct);

    private Task<HttpResponseMessage> RestoreAsync(long id, string body) => PostJsonAsync($"/api/v1/snapshots/{id}/restore", body);

    private Task<HttpResponseMessage> PostJsonAsync(string url, string json) => _client.PostRawJsonAsync(url, json);

    private async Task<IReadOnlyList<AuditRecord>> AuditAsync() =>
        (await (await _client.GetAsync($"/api/v1/audit?model={Model}", Ct)).ReadAsync<Paged<AuditRecord>>()).Items;
}
