using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Issue 12's browser hardening in a real Chromium: every page of the UI (Blazor Server, MudBlazor, ApexCharts, the
/// server-rendered sign-in form) runs under the app's Content-Security-Policy with no violation, while the policy is
/// really enforced (an injected inline script is blocked and reported).
/// </summary>
public sealed class ContentSecurityPolicyTests : EndToEndTest
{
    /// <summary>Records every violation the page reports, before any of the page's own scripts run.</summary>
    private const string ViolationRecorder =
        "window.__cspViolations = [];" +
        "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));";

    [Fact]
    public async Task Every_page_runs_under_the_policy_with_no_violation()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        var deployment = await HeldCanary.StartAsync(http, ct);
        using var home = await http.GetAsync("/", ct);
        var policy = string.Join(' ', home.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self' 'nonce-", policy, StringComparison.Ordinal);

        // Pages with charts wait for ApexCharts to draw; the rest for their own content.
        (string Path, string Ready)[] pages =
        [
            ("/", ".apexcharts-canvas"),
            ("/models", "[data-testid=catalogue]"),
            ("/models/support-chat", "[data-testid=versions]"),
            ("/deployments", "[data-testid=deployments]"),
            ($"/deployments/{deployment}", "[data-testid=deployment-status]"),
            ("/live-metrics", ".apexcharts-canvas"),
            ("/models/support-chat/metrics", ".apexcharts-canvas"),
            ("/alerts", "[data-testid=alert-rules]"),
            ("/snapshots", "[data-testid=snapshots]"),
            ("/audit", "[data-testid=audit-action]"),
        ];
        var violations = new List<string>();
        foreach (var (path, ready) in pages)
        {
            var page = await OpenRecordingAsync(violations, path);
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
            await page.Locator(ready).First.WaitForAsync(new() { Timeout = 20_000 });
            violations.AddRange(await RecordedAsync(page, path));
        }

        // The sign-in form is server-rendered (no circuit): open it, post a wrong password, see the answer.
        var login = await OpenRecordingAsync(violations, "/account/login");
        await login.GetByTestId("login-email").FillAsync("nobody@example.com");
        await login.GetByTestId("login-password").FillAsync("wrong-password-1");
        await login.GetByTestId("login-submit").ClickAsync();
        await Expect(login.GetByTestId("login-error")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        violations.AddRange(await RecordedAsync(login, "/account/login"));

        // The API reference (Scalar) renders the API document without third-party fonts and without 'unsafe-eval': its
        // script tries an eval (a capability probe) which the policy blocks, and works on without it.
        var reference = await OpenRecordingAsync(violations, "/api/reference");
        await Expect(reference.GetByText("/api/v1/models").First).ToBeAttachedAsync(new() { Timeout = 20_000 });
        violations.AddRange(await RecordedAsync(reference, "/api/reference"));
        violations.RemoveAll(v => v.StartsWith("/api/reference: ", StringComparison.Ordinal)
            && (v.Contains("blocked eval", StringComparison.Ordinal) || v.Contains("'unsafe-eval'", StringComparison.Ordinal)));

        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join('\n', violations));
    }

    [Fact]
    public async Task The_policy_is_enforced_an_injected_inline_script_is_blocked_and_reported()
    {
        var violations = new List<string>();
        var page = await OpenRecordingAsync(violations, "/models");
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });

        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.body.appendChild(s); }");

        Assert.False(await page.EvaluateAsync<bool>("() => window.__injected === true"));
        await Poll.UntilAsync(async () => (await RecordedAsync(page, "/models")).Count > 0, TimeSpan.FromSeconds(10), _ => "no violation was reported");
        Assert.Contains(await RecordedAsync(page, "/models"), v => v.Contains("script-src", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    /// <summary>A fresh page that records violations both ways: the console's CSP errors and the DOM's violation events.</summary>
    private async Task<IPage> OpenRecordingAsync(List<string> console, string path)
    {
        var context = await Browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
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
