using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Concurrency;

/// <summary>Optimistic concurrency: stale model edits and racing route writers (DESIGN.md §3, §5).</summary>
public sealed class ConcurrencyTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Actor Alice = new("alice.operator", ActorRole.Operator);
    private static readonly Actor Bob = new("bob.admin", ActorRole.Admin);

    private readonly HttpClient _client = factory.CreateClient();

    private RouteService Routes => factory.GetRequiredService<RouteService>();

    [Fact]
    public async Task Patching_with_a_stale_stamp_is_409_naming_who_changed_it()
    {
        var name = Seed.UniqueName("stale");
        var original = await Seed.ModelAsync(_client, name, displayName: "Original");
        await factory.GetRequiredService<ModelService>().UpdateAsync(Alice, name, new UpdateModelRequest(DisplayName: "Alice's edit"), Ct);

        var response = await _client.PatchAsJsonAsync($"/api/v1/models/{name}",
            new { displayName = "Lost update", concurrencyStamp = original.ConcurrencyStamp }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains(Alice.Name, detail, StringComparison.Ordinal);
        Assert.Contains(name, detail, StringComparison.Ordinal);
        var stored = await (await _client.GetAsync($"/api/v1/models/{name}", Ct)).ReadAsync<ModelDetails>();
        Assert.Equal("Alice's edit", stored.DisplayName);
        Assert.Equal(original.ConcurrencyStamp + 1, stored.ConcurrencyStamp);
    }

    [Fact]
    public async Task Every_route_write_raises_the_revision_and_a_stale_revision_is_refused()
    {
        var model = await ModelWithVersionsAsync();

        var first = await Routes.SetSplitsAsync(Alice, "staging", model, [new("1.0.0", 100)], 0, "first", Ct);
        var second = await Routes.SetSplitsAsync(Alice, "staging", model, [new("1.0.0", 90), new("1.1.0", 10)], 1, "canary", Ct);
        var third = await Routes.SetSplitsAsync(Bob, "staging", model, [new("1.1.0", 100)], null, "promote", Ct);
        var stale = await Assert.ThrowsAsync<ConflictException>(() =>
            Routes.SetSplitsAsync(Alice, "staging", model, [new("1.0.0", 100)], 2, "rollback from an old screen", Ct));

        Assert.Equal([1L, 2L, 3L], new[] { first.Revision, second.Revision, third.Revision });
        Assert.Contains(Bob.Name, stale.Message, StringComparison.Ordinal);
        Assert.Contains("revision 3", stale.Message, StringComparison.Ordinal);
        var current = await Routes.GetAsync("staging", model, Ct);
        Assert.Equal(3, current.Revision);
        Assert.Equal([new SplitInfo("1.1.0", 100)], current.Splits);
        Assert.Equal(Bob.Name, current.UpdatedBy);
    }

    [Fact]
    public async Task Creating_a_route_that_already_exists_is_a_conflict()
    {
        var model = await ModelWithVersionsAsync();
        await Routes.SetSplitsAsync(Alice, "production", model, [new("1.0.0", 100)], 0, "first", Ct);

        await Assert.ThrowsAsync<ConflictException>(() =>
            Routes.SetSplitsAsync(Bob, "production", model, [new("1.1.0", 100)], 0, "also first", Ct));

        Assert.Equal("1.0.0", (await Routes.GetAsync("production", model, Ct)).PrimaryVersion);
    }

    [Fact]
    public async Task Two_concurrent_writers_with_the_same_revision_exactly_one_wins()
    {
        var model = await ModelWithVersionsAsync();
        await Routes.SetSplitsAsync(Alice, "staging", model, [new("1.0.0", 100)], 0, "first", Ct);

        var outcomes = await Task.WhenAll(
            TryAsync(() => Routes.SetSplitsAsync(Alice, "staging", model, [new("1.0.0", 50), new("1.1.0", 50)], 1, "alice", Ct)),
            TryAsync(() => Routes.SetSplitsAsync(Bob, "staging", model, [new("1.1.0", 100)], 1, "bob", Ct)));

        var winner = Assert.Single(outcomes, o => o.Route is not null).Route!;
        var loser = Assert.Single(outcomes, o => o.Error is not null).Error;
        Assert.IsType<ConflictException>(loser);
        Assert.Equal(2, winner.Revision);
        var current = await Routes.GetAsync("staging", model, Ct);
        Assert.Equal(winner, current with { Splits = winner.Splits });
        Assert.Equal(winner.Splits, current.Splits);
        await AssertRouteChangesAuditedAsync(model, 2);
    }

    [Fact]
    public async Task Two_concurrent_creators_of_the_same_route_exactly_one_wins()
    {
        var model = await ModelWithVersionsAsync();

        var outcomes = await Task.WhenAll(
            TryAsync(() => Routes.SetSplitsAsync(Alice, "staging", model, [new("1.0.0", 100)], 0, "alice", Ct)),
            TryAsync(() => Routes.SetSplitsAsync(Bob, "staging", model, [new("1.1.0", 100)], 0, "bob", Ct)));

        var winner = Assert.Single(outcomes, o => o.Route is not null).Route!;
        Assert.IsType<ConflictException>(Assert.Single(outcomes, o => o.Error is not null).Error);
        Assert.Equal(1, winner.Revision);
        Assert.Equal(winner.Splits, (await Routes.GetAsync("staging", model, Ct)).Splits);
        await AssertRouteChangesAuditedAsync(model, 1);
    }

    [Fact]
    public async Task Removing_a_route_needs_its_current_revision_and_is_audited_with_what_it_had()
    {
        var model = await ModelWithVersionsAsync();
        await Routes.SetSplitsAsync(Alice, "staging", model, [new("1.0.0", 100)], 0, "first", Ct);
        await Routes.SetSplitsAsync(Bob, "staging", model, [new("1.1.0", 100)], 1, "second", Ct);

        var stale = await Assert.ThrowsAsync<ConflictException>(() => Routes.RemoveAsync(Alice, "staging", model, 1, "from an old screen", Ct));
        Assert.Contains(Bob.Name, stale.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ForbiddenException>(() => Routes.RemoveAsync(new Actor("viewer", ActorRole.Viewer), "staging", model, 2, "not allowed", Ct));
        Assert.Equal(2, (await Routes.GetAsync("staging", model, Ct)).Revision);

        await Routes.RemoveAsync(Alice, "staging", model, 2, "first deployment rolled back", Ct);

        await Assert.ThrowsAsync<NotFoundException>(() => Routes.GetAsync("staging", model, Ct));
        await Assert.ThrowsAsync<ConflictException>(() => Routes.RemoveAsync(Alice, "staging", model, 2, "twice", Ct));
        var audit = await factory.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Model: model), Ct);
        var removed = Assert.Single(audit.Items, e => e.Action == AuditActions.RouteRemoved);
        Assert.Equal("first deployment rolled back", removed.Reason);
        Assert.Contains("1.1.0", removed.Before, StringComparison.Ordinal);
    }

    private async Task<string> ModelWithVersionsAsync()
    {
        var model = Seed.UniqueName("race");
        await Seed.ModelAsync(_client, model);
        await Seed.VersionAsync(_client, model, "1.0.0");
        await Seed.VersionAsync(_client, model, "1.1.0");
        return model;
    }

    /// <summary>Only the winning writes are audited: a refused write rolls back its audit entry with it.</summary>
    private async Task AssertRouteChangesAuditedAsync(string model, int expected)
    {
        var audit = await factory.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Model: model), Ct);
        Assert.Equal(expected, audit.Items.Count(e => e.Action == AuditActions.RouteChanged));
    }

    private static async Task<(RouteInfo? Route, Exception? Error)> TryAsync(Func<Task<RouteInfo>> write)
    {
        // Start on the thread pool so both writers really overlap instead of running their synchronous prefix in turn.
        try
        {
            return (await Task.Run(write), null);
        }
        catch (OperationException e)
        {
            return (null, e);
        }
    }
}
