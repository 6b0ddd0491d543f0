using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Controls;
using ModelRegistry.Dashboard.Components.Pages.Snapshots;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class SnapshotsPageTests : DashboardTestContext
{
    private SnapshotService Snapshots => Services.GetRequiredService<SnapshotService>();

    [Fact]
    public async Task A_snapshot_shows_how_the_route_changed_since_and_restoring_it_needs_a_reason()
    {
        var snapshot = await SnapshotThenMoveRouteAsync([new SplitInfo("1.2.0", 50), new SplitInfo("1.3.0", 50)]);

        var cut = RenderWithProviders(Page<SnapshotsPage>());
        cut.WaitForAssertion(() =>
        {
            var diff = Normalize(cut.Find("[data-testid=snapshot-diff]").TextContent);
            Assert.Contains("1.2.0: 100% → now 50%", diff, StringComparison.Ordinal);
            Assert.Contains("1.3.0: 0% → now 50%", diff, StringComparison.Ordinal);
        });

        cut.Find("[data-testid=restore]").Click();
        cut.WaitForElement("[data-testid=confirm-restore]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Say why you are restoring it.", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(2, (await Routes.GetAsync("staging", "support-chat", Cancellation)).Splits.Count);

        cut.Find("[data-testid=restore-reason] textarea, textarea[data-testid=restore-reason]").Change("experiment over");
        cut.Find("[data-testid=confirm-restore]").Click();

        cut.WaitForAssertion(() => Assert.Contains("same as now", cut.Find("[data-testid=snapshot-diff]").TextContent, StringComparison.Ordinal));
        var route = await Routes.GetAsync("staging", "support-chat", Cancellation);
        Assert.Equal([new SplitInfo("1.2.0", 100)], route.Splits);
        Assert.Equal(snapshot.Id, (await Snapshots.ListAsync("support-chat", "staging", Cancellation)).Single(s => s.Reason == "before the experiment").Id);
    }

    [Fact]
    public async Task Restoring_after_someone_else_moved_the_route_shows_who_did_and_leaves_their_route()
    {
        await SnapshotThenMoveRouteAsync([new SplitInfo("1.2.0", 50), new SplitInfo("1.3.0", 50)]);
        var cut = RenderWithProviders(Page<SnapshotsPage>());
        cut.WaitForElement("[data-testid=restore]");

        // Another server of the same database: its change never reaches this circuit's notifier, so the page still
        // shows revision 2 when the operator confirms.
        var otherServer = ActivatorUtilities.CreateInstance<RouteService>(Services, new Live.ChangeNotifier());
        await otherServer.SetSplitsAsync(new Core.Actor("bob.sre", Core.ActorRole.Operator), "staging", "support-chat", [new SplitInfo("1.3.0", 100)], 2, "promoted from the CLI", Cancellation);
        cut.Find("[data-testid=restore]").Click();
        cut.WaitForElement("[data-testid=restore-reason] textarea, textarea[data-testid=restore-reason]").Change("experiment over");
        cut.Find("[data-testid=confirm-restore]").Click();

        cut.WaitForAssertion(() => Assert.Contains("was changed by bob.sre", cut.Find("[data-testid=form-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal([new SplitInfo("1.3.0", 100)], (await Routes.GetAsync("staging", "support-chat", Cancellation)).Splits);
    }

    [Fact]
    public async Task A_viewer_sees_the_diff_but_is_not_offered_restore()
    {
        await SnapshotThenMoveRouteAsync([new SplitInfo("1.3.0", 100)]);
        Authorization.SetRoles(nameof(Core.ActorRole.Viewer));

        var cut = RenderWithProviders(Page<SnapshotsPage>());

        cut.WaitForAssertion(() => Assert.Contains("1.3.0: 0% → now 100%", Normalize(cut.Find("[data-testid=snapshot-diff]").TextContent), StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=restore]"));
        Assert.Contains("operators only", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deployment_launched_elsewhere_appears_among_active_deployments_live()
    {
        await SeedModelAsync("support-chat");
        await SeedVersionAsync("support-chat", "1.2.0");
        await SeedVersionAsync("support-chat", "1.3.0");
        await Routes.SetSplitsAsync(Seeder, "staging", "support-chat", [new SplitInfo("1.2.0", 100)], 0, "go live", Cancellation);
        var cut = Render<ActiveDeployments>(p => p.Add(c => c.Model, "support-chat"));
        Assert.Empty(cut.FindAll("[data-testid=active-deployments]"));

        var created = await Deployments.CreateAsync(Seeder, new CreateDeploymentRequest("support-chat", "1.3.0", "staging", "canary"), Cancellation);

        cut.WaitForAssertion(() =>
        {
            var text = Normalize(cut.Find("[data-testid=active-deployments]").TextContent);
            Assert.Contains($"#{created.Id} support-chat@1.3.0 → staging", text, StringComparison.Ordinal);
            Assert.Contains("pending", text, StringComparison.Ordinal);
        });
    }

    /// <summary>support-chat served by 1.2.0 in staging, a snapshot of that, then the route moved to <paramref name="moved"/> (revision 2).</summary>
    private async Task<SnapshotInfo> SnapshotThenMoveRouteAsync(IReadOnlyList<SplitInfo> moved)
    {
        await SeedModelAsync("support-chat");
        await SeedVersionAsync("support-chat", "1.2.0");
        await SeedVersionAsync("support-chat", "1.3.0");
        await Routes.SetSplitsAsync(Seeder, "staging", "support-chat", [new SplitInfo("1.2.0", 100)], 0, "go live", Cancellation);
        var snapshot = await Snapshots.TakeAsync(Seeder, new TakeSnapshotRequest("support-chat", "staging", "before the experiment"), Cancellation);
        await Routes.SetSplitsAsync(Seeder, "staging", "support-chat", moved, 1, "experiment", Cancellation);
        return snapshot;
    }
}
