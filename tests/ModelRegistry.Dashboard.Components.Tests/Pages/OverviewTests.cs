using Bunit;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Routing;
using OverviewPage = ModelRegistry.Dashboard.Components.Pages.Overview.Overview;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class OverviewTests : DashboardTestContext
{
    [Fact]
    public async Task The_matrix_shows_each_served_model_per_environment()
    {
        await SeedModelAsync("support-chat");
        await SeedVersionAsync("support-chat", "1.2.0");
        await SeedVersionAsync("support-chat", "1.3.0");
        await SeedModelAsync("never-deployed");
        await Routes.SetSplitsAsync(Seeder, "staging", "support-chat", [new SplitInfo("1.2.0", 80), new SplitInfo("1.3.0", 20)], 0, "canary", Cancellation);

        var cut = Render<OverviewPage>();

        cut.WaitForAssertion(() =>
        {
            var staging = cut.Find("[data-testid=cell-staging-support-chat]");
            Assert.Equal("1.2.0: 80%, 1.3.0: 20%", staging.QuerySelector(".split-bar")!.GetAttribute("title"));
            Assert.Equal("not deployed", Normalize(cut.Find("[data-testid=cell-production-support-chat]").TextContent));
            // Only served models have a row; the catalogue count includes the rest.
            Assert.Empty(cut.FindAll("[data-testid=cell-staging-never-deployed]"));
            Assert.Contains("Catalogue 2 models registered", Normalize(string.Concat(cut.Nodes.Select(n => n.TextContent))), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task An_acknowledged_alert_still_counts_as_open_and_the_overview_is_not_all_quiet()
    {
        await SeedDefaultAlertRulesAsync();
        var cut = Render<OverviewPage>();
        cut.WaitForAssertion(() => Assert.Equal(("0", "all quiet"), OpenAlerts(cut)));

        var alert = await FireErrorRateAlertAsync();
        cut.WaitForAssertion(() => Assert.Equal(("1", "1 firing"), OpenAlerts(cut)));

        await Alerts.AcknowledgeAsync(Seeder, alert.Id, new AcknowledgeAlertRequest("Rolling back"), Cancellation);

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(("1", "1 acknowledged"), OpenAlerts(cut));
            var row = Assert.Single(cut.FindAll("[data-testid=alert-table] tbody tr"), r => r.QuerySelector("td[data-label=Where]") is not null);
            Assert.StartsWith($"acknowledged by {Seeder.Name}", Normalize(row.QuerySelector("td[data-label=Handled]")!.TextContent), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_route_set_elsewhere_after_render_appears_live()
    {
        await SeedModelAsync("support-chat");
        await SeedVersionAsync("support-chat", "1.2.0");
        var cut = Render<OverviewPage>();
        cut.WaitForAssertion(() => Assert.Contains("No environment serves any model yet.", cut.Markup, StringComparison.Ordinal));

        await Routes.SetSplitsAsync(Seeder, "production", "support-chat", [new SplitInfo("1.2.0", 100)], 0, "go live", Cancellation);

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("1.2.0: 100%", cut.Find("[data-testid=cell-production-support-chat] .split-bar").GetAttribute("title"));
            Assert.DoesNotContain("No environment serves any model yet.", cut.Markup, StringComparison.Ordinal);
        });
    }

    private static (string Count, string Summary) OpenAlerts(IRenderedComponent<OverviewPage> cut) =>
        (Normalize(cut.Find("[data-testid=open-alert-count]").TextContent), Normalize(cut.Find("[data-testid=open-alert-summary]").TextContent));
}
