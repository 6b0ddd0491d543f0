using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Issue 12 in the browser, with anonymous access off as in production: people sign in through the form and act as
/// themselves — an Operator's rollback is audited and shown on the timeline under their e-mail — a Viewer gets
/// read-only pages, and five wrong passwords lock an account.
/// </summary>
public sealed class SignInFlowTests : EndToEndTest
{
    private const string Password = "a long enough passphrase";
    private static readonly Actor Admin = new("admin@example.com", ActorRole.Admin);

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
        ["Auth:Anonymous:Enabled"] = "false",
        ["Auth:Bootstrap:Email"] = "admin@example.com",
        ["Auth:Bootstrap:Password"] = Password,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task AddUserAsync(string email, ActorRole role) =>
        await Server.Services.GetRequiredService<UserService>().CreateAsync(Admin, new CreateUserRequest(email, Password, role.ToString()), Ct);

    /// <summary>Opens <paramref name="path"/> as a stranger, lands on the sign-in form, signs in and waits to be back there, interactive.</summary>
    private async Task<IPage> SignInAsync(string path, string email, string password = Password)
    {
        var context = await Browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Server.BaseUrl + path);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?returnUrl="));
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        return page;
    }

    [Fact]
    public async Task An_operator_signs_in_rolls_back_and_the_audit_and_the_timeline_name_that_operator()
    {
        await AddUserAsync("olga@example.com", ActorRole.Operator);
        var deployment = await Server.Services.GetRequiredService<DeploymentService>().CreateAsync(Admin,
            new CreateDeploymentRequest("code-assist", "1.0.0", "staging", "canary", new CanaryPlanInput([10, 50, 100], 600), AcknowledgeBreakingChange: true), Ct);

        var page = await SignInAsync($"/deployments/{deployment.Id}", "olga@example.com");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("actor")).ToContainTextAsync("olga@example.com · Operator");
        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("progressing", new() { Timeout = 20_000 });
        await page.GetByTestId("rollback").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("rollback-reason").FillAsync("latency regression seen by support");
        await dialog.GetByTestId("confirm-rollback").ClickAsync();
        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("rolled back");

        var audit = await Server.Services.GetRequiredService<AuditLog>().QueryAsync(
            new AuditQuery("code-assist", Action: AuditActions.DeploymentRolledBack), Ct);
        Assert.Equal("olga@example.com", Assert.Single(audit.Items).Actor);
        await page.GotoAsync($"{Server.BaseUrl}/models/code-assist");
        var rolledBack = page.GetByTestId("timeline-item").Filter(new() { HasText = "rolled back" });
        await Expect(rolledBack.First).ToContainTextAsync("olga@example.com");
        await Expect(rolledBack.First).ToContainTextAsync("latency regression seen by support");
    }

    [Fact]
    public async Task A_viewer_gets_read_only_pages()
    {
        await AddUserAsync("vera@example.com", ActorRole.Viewer);
        var deployment = await Server.Services.GetRequiredService<DeploymentService>().CreateAsync(Admin,
            new CreateDeploymentRequest("code-assist", "1.0.0", "staging", "canary", new CanaryPlanInput([10, 50, 100], 600), AcknowledgeBreakingChange: true), Ct);

        var page = await SignInAsync($"/deployments/{deployment.Id}", "vera@example.com");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("progressing", new() { Timeout = 20_000 });

        await Expect(page.GetByTestId("actor")).ToContainTextAsync("vera@example.com · Viewer");
        await Expect(page.GetByTestId("rollback")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("nav-users")).ToHaveCountAsync(0);
        await page.GotoAsync($"{Server.BaseUrl}/users");
        await Expect(page.GetByTestId("users-forbidden")).ToContainTextAsync("Only an Admin");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_form_says_so()
    {
        await AddUserAsync("lars@example.com", ActorRole.Operator);
        var context = await Browser.Chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{Server.BaseUrl}/account/login");

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await page.GetByTestId("login-email").FillAsync("lars@example.com");
            await page.GetByTestId("login-password").FillAsync($"guess number {attempt}");
            await page.GetByTestId("login-submit").ClickAsync();
            await Expect(page.GetByTestId("login-error")).ToBeVisibleAsync();
        }

        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("locked");
        await page.GetByTestId("login-password").FillAsync(Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("locked");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
    }
}
