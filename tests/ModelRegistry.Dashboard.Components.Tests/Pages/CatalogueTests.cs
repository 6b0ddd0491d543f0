using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Registry;
using CataloguePage = ModelRegistry.Dashboard.Components.Pages.Catalogue.Catalogue;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class CatalogueTests : DashboardTestContext
{
    [Fact]
    public async Task Lists_each_model_with_its_latest_version_by_semver_precedence()
    {
        await SeedModelAsync("support-chat", "Support chat");
        await SeedVersionAsync("support-chat", "1.9.0");
        await SeedVersionAsync("support-chat", "1.10.0");
        await SeedVersionAsync("support-chat", "1.10.0-rc.1");
        await SeedModelAsync("fraud-scorer");

        var cut = Render<CataloguePage>();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(["fraud-scorer", "support-chat"], ModelNames(cut));
            // 1.10.0 is newer than 1.9.0 (numeric, not text, comparison) and than its own release candidate.
            Assert.Equal("1.10.0 (3)", Normalize(LatestVersionCell(cut, "support-chat").TextContent));
            Assert.Equal("no versions yet", Normalize(LatestVersionCell(cut, "fraud-scorer").TextContent));
        });
    }

    [Fact]
    public async Task A_model_registered_elsewhere_after_render_appears_without_a_reload()
    {
        await SeedModelAsync("support-chat");
        var cut = Render<CataloguePage>();
        cut.WaitForAssertion(() => Assert.Equal(["support-chat"], ModelNames(cut)));

        await SeedModelAsync("fraud-scorer");

        cut.WaitForAssertion(() => Assert.Equal(["fraud-scorer", "support-chat"], ModelNames(cut)));
    }

    [Fact]
    public async Task A_version_registered_elsewhere_updates_the_latest_version_live()
    {
        await SeedModelAsync("support-chat");
        await SeedVersionAsync("support-chat", "1.9.0");
        var cut = Render<CataloguePage>();
        cut.WaitForAssertion(() => Assert.StartsWith("1.9.0", Normalize(LatestVersionCell(cut, "support-chat").TextContent), StringComparison.Ordinal));

        await SeedVersionAsync("support-chat", "1.10.0");

        cut.WaitForAssertion(() => Assert.Equal("1.10.0 (2)", Normalize(LatestVersionCell(cut, "support-chat").TextContent)));
    }

    [Fact]
    public async Task The_search_box_filters_by_name_display_name_or_description()
    {
        await SeedModelAsync("support-chat", description: "Answers customers in the help centre.");
        await SeedModelAsync("fraud-scorer", displayName: "Fraud scorer");
        await SeedModelAsync("summarizer");
        var cut = Render<CataloguePage>();
        cut.WaitForAssertion(() => Assert.Equal(3, ModelNames(cut).Count));

        InputOf(cut, "search").Input("FRAUD");
        cut.WaitForAssertion(() => Assert.Equal(["fraud-scorer"], ModelNames(cut)));

        InputOf(cut, "search").Input("help centre");
        cut.WaitForAssertion(() => Assert.Equal(["support-chat"], ModelNames(cut)));

        InputOf(cut, "search").Input("no-such-model");
        cut.WaitForAssertion(() =>
        {
            Assert.Empty(ModelNames(cut));
            Assert.Contains("No model matches these filters.", cut.Find("[data-testid=catalogue]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_tag_in_the_query_filters_the_catalogue()
    {
        await Models.RegisterAsync(Seeder, new RegisterModelRequest("support-chat", Tags: ["chat"]), Cancellation);
        await SeedModelAsync("fraud-scorer");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/models?tag=chat");

        var cut = Render<CataloguePage>();

        cut.WaitForAssertion(() => Assert.Equal(["support-chat"], ModelNames(cut)));
    }

    /// <summary>
    /// Following the "Models" link (or going back) from <c>/models?tag=chat</c> to <c>/models</c> must clear the filter
    /// (the page once read <c>?tag=</c> only on initialisation and kept showing only the chat models).
    /// </summary>
    [Fact]
    public async Task Navigating_to_the_catalogue_without_a_tag_clears_the_tag_filter()
    {
        await Models.RegisterAsync(Seeder, new RegisterModelRequest("support-chat", Tags: ["chat"]), Cancellation);
        await SeedModelAsync("fraud-scorer");
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/models?tag=chat");
        var cut = Render<CataloguePage>();
        cut.WaitForAssertion(() => Assert.Equal(["support-chat"], ModelNames(cut)));

        navigation.NavigateTo("/models");

        cut.WaitForAssertion(() => Assert.Null(cut.Instance.TagFromQuery));
        cut.WaitForAssertion(() => Assert.Equal(["fraud-scorer", "support-chat"], ModelNames(cut)));
    }

    [Fact]
    public void An_empty_catalogue_invites_the_first_registration()
    {
        var cut = Render<CataloguePage>();

        cut.WaitForAssertion(() =>
            Assert.Contains("No models yet. Register the first one.", cut.Find("[data-testid=catalogue]").TextContent, StringComparison.Ordinal));
        Assert.Empty(ModelNames(cut));
    }

    [Fact]
    public async Task Register_model_opens_the_dialog_and_then_the_new_model()
    {
        var host = RenderWithProviders(Page<CataloguePage>());
        host.WaitForAssertion(() =>
            Assert.Contains("No models yet.", host.Find("[data-testid=catalogue]").TextContent, StringComparison.Ordinal));

        host.Find("[data-testid=register-model]").Click();
        host.WaitForElement("[data-testid=register-model-dialog]");
        InputOf(host, "model-name").Input("support-chat");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.Empty(host.FindAll("[data-testid=register-model-dialog]"));
            Assert.EndsWith("/models/support-chat", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        });
        var stored = await Models.GetAsync("support-chat", Cancellation);
        Assert.Equal(OperatorName, stored.CreatedBy);
    }

    private static List<string> ModelNames(IRenderedComponent<CataloguePage> cut) =>
        [.. cut.FindAll("[data-testid=model-link]").Select(a => a.TextContent.Trim())];

    /// <summary>The "Latest version" cell (fifth column) of the row whose name link is <paramref name="model"/>.</summary>
    private static IElement LatestVersionCell(IRenderedComponent<CataloguePage> cut, string model)
    {
        var row = cut.FindAll("[data-testid=catalogue] tbody tr")
            .Single(tr => tr.QuerySelector("[data-testid=model-link]")?.TextContent.Trim() == model);
        return row.QuerySelectorAll("td")[4];
    }
}
