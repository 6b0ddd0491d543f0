using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Issue 12's browser hardening in a real Chromium, with the app in production mode: every page of the UI (Blazor
/// Server, MudBlazor, ApexCharts, the server-rendered account forms) runs under the app's Content-Security-Policy with
/// no violation — every page in the navigation as an Admin sees it, plus the detail pages and the API reference — while
/// the policy is really enforced (an injected inline script is blocked and reported).
/// </summary>
public sealed class ContentSecurityPolicyTests(ProductionDashboard dashboard) : IClassFixture<ProductionDashboard>
{
    /// <summary>Records every violation the page reports, before any of the page's own scripts run.</summary>
    private const string ViolationRecorder =
        "window.__cspViolations = [];" +
        "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));";

    /// <summary>What shows a page has drawn: charts wait for ApexCharts; pages not named here for their heading.</summary>
    private static readonly Dictionary<string, string> ReadyOn = new()
    {
        ["/"] = ".apexcharts-canvas",
        ["/models"] = "[data-testid=catalogue]",
        ["/models/support-chat"] = "[data-testid=versions]",
        ["/deployments"] = "[data-testid=deployments]",
        ["/live-metrics"] = ".apexcharts-canvas",
        ["/models/support-chat/metrics"] = ".apexcharts-canvas",
        ["/alerts"] = "[data-testid=alert-rules]",
        ["/snapshots"] = "[data-testid=snapshots]",
        ["/audit"] = "[data-testid=audit-action]",
        ["/users"] = "[data-testid=add-user]",
        ["/api-keys"] = "[data-testid=create-key]",
    };

    private DashboardServer Server => dashboard.Server;

    [Fact]
    public async Task Every_page_runs_under_the_policy_with_no_violation()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Api-Key", DashboardServer.OperatorKey);
        var deployment = await HeldCanary.StartAsync(http, ct);
        using var home = await http.GetAsync("/", ct);
        var policy = string.Join(' ', home.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self' 'nonce-", policy, StringComparison.Ordinal);

        // Signed in once as the bootstrap Admin (who sees every page); each page then opens in a fresh recording context.
        var admin = await dashboard.Browser.SignInAsync(Server.BaseUrl + "/", DashboardServer.AdminEmail, DashboardServer.Password);
        await admin.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
        var navigation = (await admin.Locator(".mud-navmenu a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"))
            .Where(href => href.StartsWith('/') && !href.StartsWith("/api/", StringComparison.Ordinal))
            .ToList();
        Assert.Contains("/users", navigation);
        Assert.Contains("/api-keys", navigation);
        var session = await admin.Context.StorageStateAsync();
        await admin.Context.CloseAsync();

        var violations = new List<string>();
        foreach (var path in navigation.Concat(["/models/support-chat", "/models/support-chat/metrics", $"/deployments/{deployment}"]).Distinct())
        {
            var page = await OpenRecordingAsync(violations, path, session);
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
            var ready = path.StartsWith("/deployments/", StringComparison.Ordinal) ? "[data-testid=deployment-status]" : ReadyOn.GetValueOrDefault(path, "h1");
            await page.Locator(ready).First.WaitForAsync(new() { Timeout = 20_000 });
            violations.AddRange(await RecordedAsync(page, path));
            await page.Context.CloseAsync();
        }

        // The account forms are server-rendered (no circuit): change password, as the signed-in Admin.
        var password = await OpenRecordingAsync(violations, "/account/password", session);
        await password.Locator("form").First.WaitForAsync(new() { Timeout = 20_000 });
        violations.AddRange(await RecordedAsync(password, "/account/password"));

        // The sign-in form, as a stranger: post a wrong password, see the answer.
        var login = await OpenRecordingAsync(violations, "/account/login");
        await login.GetByTestId("login-email").FillAsync("nobody@example.com");
        await login.GetByTestId("login-password").FillAsync("wrong-password-1");
        await login.GetByTestId("login-submit").ClickAsync();
        await Expect(login.GetByTestId("login-error")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        violations.AddRange(await RecordedAsync(login, "/account/login"));

        // The API reference (Scalar) renders the API document without third-party fonts and without 'unsafe-eval': its
        // script tries an eval (a capability probe) which the policy blocks, and works on without it.
        var reference = await OpenRecordingAsync(violations, "/api/reference", session);
        await Expect(reference.GetByText("/api/v1/models").First).ToBeAttachedAsync(new() { Timeout = 20_000 });
        violations.AddRange(await RecordedAsync(reference, "/api/reference"));
        violations.RemoveAll(v => v.StartsWith("/api/reference: ", StringComparison.Ordinal)
            && (v.Contains("blocked eval", StringComparison.Ordinal) || v.Contains("'unsafe-eval'", StringComparison.Ordinal)));

        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join('\n', violations));
    }

    [Fact]
    public async Task The_policy_is_enforced_an_injected_inline_script_is_blocked_and_reported()
    {
        // The sign-in form needs no session; its page is enough to show the policy is enforced, not just sent.
        var violations = new List<string>();
        var page = await OpenRecordingAsync(violations, "/account/login");
        await page.GetByTestId("login-email").WaitForAsync(new() { Timeout = 20_000 });

        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.body.appendChild(s); }");

        Assert.False(await page.EvaluateAsync<bool>("() => window.__injected === true"));
        await Poll.UntilAsync(async () => (await RecordedAsync(page, "/account/login")).Count > 0, TimeSpan.FromSeconds(10), _ => "no violation was reported");
        Assert.Contains(await RecordedAsync(page, "/account/login"), v => v.Contains("script-src", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    /// <summary>A fresh page that records violations both ways: the console's CSP errors and the DOM's violation events.</summary>
    private async Task<IPage> OpenRecordingAsync(List<string> console, string path, string? session = null)
    {
        var context = await dashboard.Browser.Chromium.NewContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 }, StorageState = session });
        await context.AddInitScriptAsync(ViolationRecorder);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (console)
                {
                    console.Add($"{path}: console: {message.Text}");
                }
            }
        };
        await page.GotoAsync(Server.BaseUrl + path);
        return page;
    }

    private static async Task<List<string>> RecordedAsync(IPage page, string path) =>
        [.. (await page.EvaluateAsync<string[]>("() => window.__cspViolations")).Select(v => $"{path}: {v}")];
}
