using System.Net.Http.Json;
using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>An operator's path through the catalogue in a real Chromium against the real app.</summary>
public sealed class CatalogueFlowTests : EndToEndTest
{
    [Fact]
    public async Task A_model_registered_in_one_tab_appears_in_another_open_tab_without_reload()
    {
        var watcher = await Browser.OpenAsync($"{Server.BaseUrl}/models");
        var operatorPage = await Browser.OpenAsync($"{Server.BaseUrl}/models");
        await Expect(watcher.GetByTestId("catalogue")).ToContainTextAsync("support-chat");
        var navigations = 0;
        watcher.FrameNavigated += (_, _) => navigations++;

        await operatorPage.GetByTestId("register-model").ClickAsync();
        var dialog = operatorPage.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("model-name").FillAsync("fraud-scorer");
        await dialog.GetByTestId("model-display-name").FillAsync("Fraud Scorer");
        await dialog.GetByTestId("model-owner").FillAsync("risk-team");
        await dialog.GetByTestId("model-tags").FillAsync("risk, realtime");
        await dialog.GetByTestId("submit").ClickAsync();

        // The new model opens at once; the other tab's list gains it live.
        await Expect(operatorPage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/models/fraud-scorer$"));
        await Expect(watcher.GetByTestId("catalogue")).ToContainTextAsync("fraud-scorer", new() { Timeout = 2_000 });
        Assert.Equal(0, navigations);
    }

    [Fact]
    public async Task Registering_a_version_through_the_dialog_puts_it_on_the_timeline_and_in_an_open_second_page()
    {
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/models/support-chat");
        var second = await Browser.OpenAsync($"{Server.BaseUrl}/models/support-chat");
        await Expect(page.GetByTestId("versions")).ToContainTextAsync("2.0.0");

        await page.GetByTestId("register-version").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("version-number").FillAsync("1.2");
        await dialog.GetByTestId("version-endpoint").FillAsync("https://models.internal/support-chat/1.3.0/");
        await dialog.GetByTestId("submit").ClickAsync();
        await Expect(Field(dialog, "version-number")).ToContainTextAsync("is not a semantic version");

        await dialog.GetByTestId("version-number").FillAsync("1.3.0");
        await dialog.GetByTestId("version-changelog").FillAsync("Cites the help-centre article it used.");
        await Expect(Field(dialog, "version-number")).ToContainTextAsync("Breaking change: major version 2 → 1");
        await dialog.GetByTestId("submit").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var timeline = page.GetByTestId("timeline");
        await Expect(timeline.GetByTestId("timeline-item").First).ToContainTextAsync("Version 1.3.0 registered");
        await Expect(timeline.GetByTestId("timeline-item").First).ToContainTextAsync("e2e-operator");
        await Expect(timeline.GetByTestId("timeline-item").First).ToContainTextAsync("Cites the help-centre article it used.");
        await Expect(second.GetByTestId("timeline").GetByTestId("timeline-item").First).ToContainTextAsync("Version 1.3.0 registered", new() { Timeout = 2_000 });

        // The refused "1.2" left nothing behind.
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        var versions = await http.GetFromJsonAsync<List<VersionRow>>("/api/v1/models/support-chat/versions", TestContext.Current.CancellationToken);
        Assert.Equal(["2.0.0", "1.3.0", "1.2.0", "1.1.0", "1.0.0"], versions!.Select(v => v.Version));
    }

    [Fact]
    public async Task A_duplicate_version_is_shown_on_the_version_field_and_the_dialog_stays_open()
    {
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/models/code-assist");
        await page.GetByTestId("register-version").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("version-number").FillAsync("1.3.0");
        await dialog.GetByTestId("version-endpoint").FillAsync("https://models.internal/code-assist/1.3.0/");
        await dialog.GetByTestId("submit").ClickAsync();

        await Expect(Field(dialog, "version-number")).ToContainTextAsync("already registered");
        await Expect(dialog).ToBeVisibleAsync();
    }

    /// <summary>The whole MudBlazor field (label, input, helper or error text) around the input with this test id.</summary>
    private static ILocator Field(ILocator scope, string testId) =>
        scope.Locator(".mud-input-control", new() { Has = scope.Page.GetByTestId(testId) });

    private sealed record VersionRow(string Version);
}
