using AngleSharp.Dom;
using Bunit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Routing;
using ModelDetailPage = ModelRegistry.Dashboard.Components.Pages.Models.ModelDetail;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class ModelDetailTests : DashboardTestContext
{
    private const string Model = "support-chat";

    [Fact]
    public async Task Versions_are_listed_newest_first_by_semver_precedence()
    {
        await SeedModelAsync(Model);
        foreach (var version in new[] { "1.0.0", "1.10.0", "1.2.0", "2.0.0-rc.1", "1.10.0-beta" })
        {
            await SeedVersionAsync(Model, version);
        }

        var cut = RenderDetail(Model);

        cut.WaitForAssertion(() => Assert.Equal(["2.0.0-rc.1", "1.10.0", "1.10.0-beta", "1.2.0", "1.0.0"], VersionRows(cut)));
    }

    [Fact]
    public async Task The_compatibility_badge_compares_each_version_with_what_a_route_serves()
    {
        await SeedModelAsync(Model);
        await SeedVersionAsync(Model, "1.2.0");
        await SeedVersionAsync(Model, "1.3.0");
        await SeedVersionAsync(Model, "2.0.0");
        await Routes.SetSplitsAsync(Seeder, "staging", Model, [new SplitInfo("1.2.0", 100)], expectedRevision: 0, reason: "test", Cancellation);

        var cut = RenderDetail(Model);

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("breaking vs staging 1.2.0", Badges(cut, "2.0.0").Single());
            Assert.Equal("compatible vs staging 1.2.0", Badges(cut, "1.3.0").Single());
            // The served version is not compared with itself.
            Assert.Empty(Badges(cut, "1.2.0"));
            Assert.Equal("staging 100%", Normalize(Row(cut, "1.2.0").QuerySelector("td[data-label=Serving]")!.TextContent));
        });
    }

    [Fact]
    public async Task The_timeline_shows_who_registered_each_version_and_why()
    {
        await SeedModelAsync(Model);
        await SeedVersionAsync(Model, "1.0.0", changelog: "First release.", actor: new Actor("alice", ActorRole.Automation));

        var cut = RenderDetail(Model);

        cut.WaitForAssertion(() =>
        {
            var items = cut.FindAll("[data-testid=timeline-item]");
            Assert.Equal(2, items.Count);
            Assert.Equal("Version 1.0.0 registered", Title(items[0]));
            Assert.Equal("alice", items[0].QuerySelector("[data-testid=timeline-actor]")!.TextContent);
            Assert.Contains("“First release.”", items[0].TextContent, StringComparison.Ordinal);
            Assert.Equal("Model registered", Title(items[1]));
            Assert.Equal(Seeder.Name, items[1].QuerySelector("[data-testid=timeline-actor]")!.TextContent);
        });
    }

    [Fact]
    public async Task A_version_registered_elsewhere_after_render_appears_live()
    {
        await SeedModelAsync(Model);
        await SeedVersionAsync(Model, "1.0.0");
        var cut = RenderDetail(Model);
        cut.WaitForAssertion(() => Assert.Equal(["1.0.0"], VersionRows(cut)));

        await SeedVersionAsync(Model, "1.1.0", actor: new Actor("pipeline", ActorRole.Automation));

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(["1.1.0", "1.0.0"], VersionRows(cut));
            var newest = cut.FindAll("[data-testid=timeline-item]")[0];
            Assert.Equal("Version 1.1.0 registered", Title(newest));
            Assert.Equal("pipeline", newest.QuerySelector("[data-testid=timeline-actor]")!.TextContent);
        });
    }

    [Fact]
    public async Task A_route_changed_elsewhere_after_render_shows_its_split_and_badges_live()
    {
        await SeedModelAsync(Model);
        await SeedVersionAsync(Model, "1.2.0");
        await SeedVersionAsync(Model, "2.0.0");
        var cut = RenderDetail(Model);
        cut.WaitForAssertion(() => Assert.Contains("No environment serves this model yet.", cut.Markup, StringComparison.Ordinal));

        await Routes.SetSplitsAsync(Seeder, "staging", Model, [new SplitInfo("1.2.0", 90), new SplitInfo("2.0.0", 10)], expectedRevision: 0, reason: "canary", Cancellation);

        cut.WaitForAssertion(() =>
        {
            Assert.NotNull(cut.Find("[data-testid=route-staging] [data-testid=split]"));
            Assert.Equal("breaking vs staging 1.2.0", Badges(cut, "2.0.0").Single());
            Assert.Equal("Traffic in staging changed: 1.2.0 leads", Title(cut.FindAll("[data-testid=timeline-item]")[0]));
        });
    }

    [Fact]
    public async Task Register_version_offers_the_newest_version_and_lists_the_new_one_as_the_operator()
    {
        await SeedModelAsync(Model);
        await SeedVersionAsync(Model, "1.10.0");
        await SeedVersionAsync(Model, "1.9.0");
        var host = RenderWithProviders(Page<ModelDetailPage>(b => b.AddComponentParameter(1, nameof(ModelDetailPage.Name), Model)));
        host.WaitForAssertion(() => Assert.Equal(2, host.FindAll("[data-testid=version-row]").Count));

        host.Find("[data-testid=register-version]").Click();
        host.WaitForElement("[data-testid=register-version-dialog]");
        // The dialog compares with the newest by precedence (1.10.0), not the last registered or the largest string.
        Assert.Contains("Newest is 1.10.0.", FieldText(host, "version-number"), StringComparison.Ordinal);
        InputOf(host, "version-number").Input("1.11.0");
        InputOf(host, "version-endpoint").Input("https://models.internal/support-chat/1.11.0/");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.Empty(host.FindAll("[data-testid=register-version-dialog]"));
            Assert.Equal(["1.11.0", "1.10.0", "1.9.0"], host.FindAll("[data-testid=version-row]").Select(e => e.TextContent.Trim()).ToList());
            var newest = host.FindAll("[data-testid=timeline-item]")[0];
            Assert.Equal("Version 1.11.0 registered", Title(newest));
            Assert.Equal(OperatorName, newest.QuerySelector("[data-testid=timeline-actor]")!.TextContent);
        });
    }

    [Fact]
    public void An_unknown_model_says_it_is_not_registered()
    {
        var cut = RenderDetail("no-such-model");

        cut.WaitForAssertion(() =>
            Assert.Contains("Model no-such-model is not registered.", Normalize(cut.Find(".mud-alert").TextContent), StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=version-row]"));
        Assert.Empty(cut.FindAll("[data-testid=register-version]"));
    }

    private IRenderedComponent<ModelDetailPage> RenderDetail(string name) =>
        Render<ModelDetailPage>(p => p.Add(d => d.Name, name));

    private static List<string> VersionRows(IRenderedComponent<ModelDetailPage> cut) =>
        [.. cut.FindAll("[data-testid=version-row]").Select(e => e.TextContent.Trim())];

    private static IElement Row(IRenderedComponent<ModelDetailPage> cut, string version) =>
        cut.FindAll("[data-testid=versions] tbody tr")
            .Single(tr => tr.QuerySelector("[data-testid=version-row]")?.TextContent.Trim() == version);

    private static List<string> Badges(IRenderedComponent<ModelDetailPage> cut, string version) =>
        [.. Row(cut, version).QuerySelectorAll("[data-testid=compatibility]").Select(b => Normalize(b.TextContent))];

    private static string Title(IElement timelineItem) => Normalize(timelineItem.QuerySelector("b")!.TextContent);
}
