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
/// Issue 12 in the browser with the app in production mode (Production environment, anonymous access off, the first
/// Admin from <c>Auth:Bootstrap</c>, Secure session cookies): people sign in through the form and act as themselves —
/// an Operator's rollback is audited and shown on the timeline under their e-mail — a Viewer gets read-only pages, and
/// five wrong passwords lock an account. The tests share one server and keep apart by person and model.
/// </summary>
public sealed class SignInFlowTests(ProductionDashboard dashboard) : IClassFixture<ProductionDashboard>
{
    private static readonly Actor Admin = new(DashboardServer.AdminEmail, ActorRole.Admin);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DashboardServer Server => dashboard.Server;

    private async Task AddUserAsync(string email, ActorRole role) =>
        await Server.Services.GetRequiredService<UserService>().CreateAsync(Admin, new CreateUserRequest(email, DashboardServer.Password, role.ToString()), Ct);

    /// <summary>A canary held at its first step (10 minutes a step), started by the bootstrap Admin.</summary>
    private async Task<long> StartCanaryAsync(string model, string version) =>
        (await Server.Services.GetRequiredService<DeploymentService>().CreateAsync(Admin,
            new CreateDeploymentRequest(model, version, "staging", "canary", new CanaryPlanInput([10, 50, 100], 600), AcknowledgeBreakingChange: true), Ct)).Id;

    private Task<IPage> SignInAsync(string path, string email, string password = DashboardServer.Password) =>
        dashboard.Browser.SignInAsync(Server.BaseUrl + path, email, password);

    [Fact]
    public async Task The_session_cookie_is_secure_and_http_only_as_production_sets_it()
    {
        await AddUserAsync("sam@example.com", ActorRole.Viewer);
        var page = await SignInAsync("/models", "sam@example.com");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });

        // Chromium counts http://localhost as a secure context, so it keeps the Secure cookie a production server sets.
        var session = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "mr.session");
        Assert.Equal((true, true, SameSiteAttribute.Lax), (session.Secure, session.HttpOnly, session.SameSite));
    }

    [Fact]
    public async Task An_operator_signs_in_rolls_back_and_the_audit_and_the_timeline_name_that_operator()
    {
        await AddUserAsync("olga@example.com", ActorRole.Operator);
        var deployment = await StartCanaryAsync("code-assist", "1.0.0");

        var page = await SignInAsync($"/deployments/{deployment}", "olga@example.com");
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

        // What the Viewer below must not see, an Operator does.
        await Expect(page.GetByTestId("deploy")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("register-version")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_viewer_gets_read_only_pages()
    {
        await AddUserAsync("vera@example.com", ActorRole.Viewer);
        var deployment = await StartCanaryAsync("embed-search", "3.1.0");

        var page = await SignInAsync($"/deployments/{deployment}", "vera@example.com");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("progressing", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("actor")).ToContainTextAsync("vera@example.com · Viewer");
        await Expect(page.GetByTestId("read-only")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=rollback], [data-testid=promote], [data-testid=pause], [data-testid=resume]")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("nav-users")).ToHaveCountAsync(0);

        // Every page a Viewer can open shows its content without the buttons the engine would refuse them.
        (string Path, string Ready, string Mutations)[] pages =
        [
            ("/models", "[data-testid=catalogue]", "[data-testid=register-model]"),
            ("/models/embed-search", "[data-testid=versions]", "[data-testid=register-version], [data-testid=deploy], [data-testid=version-actions]"),
            ("/deployments", "[data-testid=deployments]", "[data-testid=new-deployment]"),
            ("/alerts", "[data-testid=alert-rules]", "[data-testid=new-rule], [data-testid=edit-rule], [data-testid=delete-rule], [data-testid=acknowledge]"),
            ("/snapshots", "[data-testid=snapshots]", "[data-testid=restore]"),
        ];
        foreach (var (path, ready, mutations) in pages)
        {
            await page.GotoAsync(Server.BaseUrl + path);
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
            await page.Locator(ready).First.WaitForAsync(new() { Timeout = 20_000 });
            Assert.True(await page.Locator(mutations).CountAsync() == 0, $"{path} offers a Viewer {mutations}");
        }

        await page.GotoAsync($"{Server.BaseUrl}/users");
        await Expect(page.GetByTestId("users-forbidden")).ToContainTextAsync("Only an Admin");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_form_says_so()
    {
        await AddUserAsync("lars@example.com", ActorRole.Operator);
        var context = await dashboard.Browser.Chromium.NewContextAsync();
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
        await page.GetByTestId("login-password").FillAsync(DashboardServer.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("locked");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
    }
}
