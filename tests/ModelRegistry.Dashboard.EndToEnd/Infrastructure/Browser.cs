using Microsoft.Playwright;

namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright's bundled driver (no browser download): one per test class.</summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser chromium)
    {
        _playwright = playwright;
        Chromium = chromium;
    }

    public IBrowser Chromium { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        return new Browser(playwright, chromium);
    }

    /// <summary>Opens <paramref name="url"/> in a fresh context and waits until the Blazor circuit is interactive.</summary>
    public Task<IPage> OpenAsync(string url) =>
        OpenAsync(url, new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });

    /// <summary>Opens <paramref name="url"/> in a fresh context of its own (viewport, colour scheme…) and waits until it is interactive.</summary>
    public async Task<IPage> OpenAsync(string url, BrowserNewContextOptions options)
    {
        var context = await Chromium.NewContextAsync(options);
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        await page.Locator("[data-interactive='true']").WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}
