using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Issue 12's first Admin without <c>Auth:Bootstrap</c>: a fresh production start logs a one-time setup link (never a
/// default password); whoever reads the log opens it, creates the first Admin and is signed in as them; the link is
/// then spent.
/// </summary>
public sealed partial class FirstAdminSetupFlowTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new(LogLevel.Information);
    private DashboardServer _server = null!;
    private Browser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _server = DashboardServer.InProduction(new Dictionary<string, string>
        {
            ["Auth:Bootstrap:Email"] = "",
            ["Auth:Bootstrap:Password"] = "",
        }, _logs);
        _browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _server.DisposeAsync();
    }

    [GeneratedRegex(@"/account/setup\?token=[0-9a-f]+")]
    private static partial Regex SetupLink();

    [Fact]
    public async Task The_logged_setup_link_creates_the_first_admin_once()
    {
        var link = SetupLink().Match(_logs.All);
        Assert.True(link.Success, "no setup link in the log:\n" + _logs.All);

        var context = await _browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_server.BaseUrl + link.Value);
        await page.Locator("#email").FillAsync("root@example.com");
        await page.Locator("#password").FillAsync(DashboardServer.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create and sign in" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(_server.BaseUrl + "/");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("actor")).ToContainTextAsync("root@example.com · Admin");

        var again = await (await _browser.Chromium.NewContextAsync()).NewPageAsync();
        await again.GotoAsync(_server.BaseUrl + link.Value);
        await again.Locator("#email").FillAsync("mallory@example.com");
        await again.Locator("#password").FillAsync(DashboardServer.Password);
        await again.GetByRole(AriaRole.Button, new() { Name = "Create and sign in" }).ClickAsync();
        await Expect(again.GetByTestId("setup-error")).ToContainTextAsync("not valid");
    }
}
