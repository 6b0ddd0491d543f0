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

    /// <summary>
    /// Opens <paramref name="url"/> as a stranger in a fresh context, checks it is sent to the sign-in form, and signs in
    /// there; returns the page on its way back to <paramref name="url"/> (the caller waits for what it expects).
    /// </summary>
    public async Task<IPage> SignInAsync(string url, string email, string password)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?returnUrl="));
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}
