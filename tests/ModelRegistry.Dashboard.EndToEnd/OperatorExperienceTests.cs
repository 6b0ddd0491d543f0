using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>What a new operator runs into first: a phone-sized screen, dark mode, and the wizard by keyboard.</summary>
public sealed class OperatorExperienceTests : EndToEndTest
{
    private static readonly BrowserNewContextOptions Phone = new() { ViewportSize = new ViewportSize { Width = 390, Height = 844 } };

    [Fact]
    public async Task At_390_px_no_page_is_wider_than_the_screen_and_the_title_is_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        // A deployment page with a long history of its own: a canary of code-assist held at its first step.
        var deploymentId = await HeldCanary.StartAsync(http, ct);
        string[] paths =
        [
            "/", "/models", "/models/support-chat", "/deployments", "/deployments/new?model=support-chat", "/snapshots",
            "/live-metrics", "/models/support-chat/metrics", "/alerts", "/audit", $"/deployments/{deploymentId}",
        ];

        var page = await Browser.OpenAsync($"{Server.BaseUrl}/", Phone);
        var overflowing = new List<string>();
        foreach (var path in paths)
        {
            await page.GotoAsync(Server.BaseUrl + path);
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
            await Expect(page.Locator("h1")).ToBeVisibleAsync();
            var (scrollWidth, innerWidth) = await WidthsAsync(page);
            if (scrollWidth > innerWidth)
            {
                overflowing.Add($"{path}: {scrollWidth} px wide in {innerWidth} px");
            }

            var title = page.GetByTestId("app-title");
            Assert.True(await title.EvaluateAsync<bool>("t => t.scrollWidth <= t.clientWidth && t.getBoundingClientRect().right <= window.innerWidth"),
                $"{path}: the app bar title is clipped");
        }

        Assert.Empty(overflowing);
    }

    [Fact]
    public async Task Dark_mode_is_remembered_across_a_reload()
    {
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/", new BrowserNewContextOptions { ColorScheme = ColorScheme.Light });
        await Expect(page.Locator(".mud-layout[data-theme]")).ToHaveAttributeAsync("data-theme", "light");

        await page.GetByTestId("dark-mode-toggle").ClickAsync();
        await Expect(page.Locator(".mud-layout[data-theme]")).ToHaveAttributeAsync("data-theme", "dark");
        await page.ReloadAsync();
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });

        await Expect(page.Locator(".mud-layout[data-theme]")).ToHaveAttributeAsync("data-theme", "dark");
        // The page itself is dark after the reload, not only the flag: the body's background is MudBlazor's dark palette.
        Assert.True(await page.EvaluateAsync<bool>(
            "() => { const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return r + g + b < 150; }"),
            "the page background is not dark after the reload");
    }

    [Fact]
    public async Task With_nothing_chosen_the_os_preference_decides_and_a_choice_then_wins()
    {
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/", new BrowserNewContextOptions { ColorScheme = ColorScheme.Dark });
        await Expect(page.Locator(".mud-layout[data-theme]")).ToHaveAttributeAsync("data-theme", "dark");

        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Expect(page.Locator(".mud-layout[data-theme]")).ToHaveAttributeAsync("data-theme", "light");

        await page.GetByTestId("dark-mode-toggle").ClickAsync();
        await Expect(page.Locator(".mud-layout[data-theme]")).ToHaveAttributeAsync("data-theme", "dark");
        await page.ReloadAsync();
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
        await Expect(page.Locator(".mud-layout[data-theme]")).ToHaveAttributeAsync("data-theme", "dark");
    }

    [Fact]
    public async Task The_wizard_works_by_keyboard_alone()
    {
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/deployments/new");
        var model = page.GetByTestId("wizard-model");

        await model.FocusAsync();
        await page.Keyboard.TypeAsync("summ");
        await Expect(page.Locator(".mud-popover-open")).ToContainTextAsync("doc-summarizer");
        await page.Keyboard.PressAsync("Enter");
        await Expect(model).ToHaveValueAsync("doc-summarizer");
        await Expect(page.GetByTestId("wizard")).ToContainTextAsync("doc-summarizer@");

        // 1.1.0 is not yet served in staging (the preselected environment), so Next goes on.
        await page.GotoAsync($"{Server.BaseUrl}/deployments/new?model=support-chat&version=1.1.0");
        await Expect(page.GetByTestId("wizard")).ToContainTextAsync("support-chat@1.1.0");
        await page.GetByTestId("wizard-next").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        // Focus lands on the environment step's chosen radio, named for a screen reader.
        await Expect(page.Locator("input[type=radio]:focus")).ToHaveAttributeAsync("aria-label", "staging");

        await page.GetByTestId("wizard-next").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("input[type=radio]:focus")).ToHaveAttributeAsync("aria-label", "Canary");
    }

    private static async Task<(int ScrollWidth, int InnerWidth)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }
}
