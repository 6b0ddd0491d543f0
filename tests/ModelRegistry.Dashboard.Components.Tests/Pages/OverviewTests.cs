using Bunit;
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
}
