using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Issue 12, single sign-on in the browser with the app in production mode (anonymous access off, Secure cookies, the
/// OpenID Connect handler's production defaults): "Sign in with SSO" goes to a real OpenID Connect provider started by
/// the test, the person signs in there, and comes back signed in with the role their group maps to.
/// </summary>
public sealed class SingleSignOnFlowTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;
    private DashboardServer _server = null!;
    private Browser _browser = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _provider = await TestOidcProvider.StartAsync();
        _server = DashboardServer.InProduction(new Dictionary<string, string>
        {
            ["Auth:Oidc:Authority"] = _provider.Authority,
            // The test's provider listens on plain http on loopback: production admits that only when told so.
            ["Auth:Oidc:AllowHttpOnLoopback"] = "true",
            ["Auth:Oidc:ClientId"] = TestOidcProvider.ClientId,
            ["Auth:Oidc:ClientSecret"] = TestOidcProvider.ClientSecret,
            ["Auth:Oidc:DisplayName"] = "Test provider",
            ["Auth:Oidc:RoleMap:platform-admins"] = "Admin",
            ["Auth:Oidc:RoleMap:sre"] = "Operator",
        });
        await _provider.RegisterClientAsync(_server.BaseUrl);
        _browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _server.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Sso_sign_in_through_the_in_test_provider_maps_a_group_to_operator()
    {
        _provider.SetUser("sara@example.com", "staff", "sre");
        var context = await _browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(_server.BaseUrl + "/deployments");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?returnUrl="));
        await Expect(page.GetByTestId("sso-submit")).ToHaveTextAsync("Sign in with Test provider");
        await page.GetByTestId("sso-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/connect/authorize\\?"));
        await page.GetByTestId("provider-email").FillAsync("sara@example.com");
        await page.GetByTestId("provider-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync($"{_server.BaseUrl}/deployments");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("actor")).ToContainTextAsync("sara@example.com · Operator");
        var signIns = await _server.Services.GetRequiredService<AuditLog>().QueryAsync(
            new AuditQuery(Actor: "sara@example.com", Action: AuditActions.UserSignedIn), Ct);
        Assert.Equal("sso", Assert.Single(signIns.Items).Reason);
    }
}
