using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Launch through the wizard, watch the deployment page, and get back to the stable version — automatically on bad
/// metrics, or by an operator's click with a reason that lands on the version timeline.
/// </summary>
public sealed class DeploymentFlowTests : EndToEndTest
{
    private static readonly int[] CanarySteps = [10, 50, 100];

    // Only the traffic the tests send: the verdicts are about known numbers.
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
    };

    [Fact]
    public async Task A_canary_launched_through_the_wizard_rolls_back_on_bad_metrics_and_the_page_shows_the_verdict_without_reload()
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await Wizard.OpenAtReviewAsync(Browser, Server.BaseUrl, "support-chat", "1.1.0");
        await Expect(page.GetByTestId("review-compatibility")).ToContainTextAsync("Compatible");
        await Expect(page.GetByTestId("review-snapshot")).ToBeVisibleAsync();
        await page.GetByTestId("wizard-reason").FillAsync("Order lookups, take two");
        await page.GetByTestId("wizard-launch").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/deployments/\\d+$"), new() { Timeout = 15_000 });
        await page.EvaluateAsync("() => window.__sameDocument = true"); // a reload would lose it
        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("progressing", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("traffic-percent")).ToContainTextAsync("10%");
        // Without traffic yet, the page shows the canary's first verdict: insufficient data, never a pass.
        await Expect(page.GetByTestId("verdicts").GetByTestId("verdict-outcome").First).ToHaveTextAsync("insufficient data", new() { Timeout = 10_000 });

        // The canary fails half its requests; the stable version is fine.
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        await SupportChatTraffic.PostAsync(http, "1.2.0", 900, failEvery: 0, ct);
        await SupportChatTraffic.PostAsync(http, "1.1.0", 100, failEvery: 2, ct);

        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("rolled back", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("rollback-cause")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("verdicts").GetByTestId("verdict-outcome").First).ToHaveTextAsync("fail");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

        var route = await http.GetFromJsonAsync<JsonElement>("/api/v1/environments/staging/routes/support-chat", ct);
        var splits = route.GetProperty("splits").EnumerateArray().Select(s => (s.GetProperty("version").GetString(), s.GetProperty("weight").GetInt32())).ToList();
        Assert.Equal([("1.2.0", 90), ("2.0.0", 10)], splits); // the demo's pre-deployment split, restored (1.1.0 had none)
    }

    [Fact]
    public async Task A_manual_rollback_needs_a_reason_and_the_reason_appears_on_the_version_timeline()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        var id = await HeldCanary.StartAsync(http, ct);

        var page = await Browser.OpenAsync($"{Server.BaseUrl}/deployments/{id}");
        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("progressing", new() { Timeout = 20_000 });
        await page.GetByTestId("rollback").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("confirm-rollback").ClickAsync();
        await Expect(dialog).ToContainTextAsync("Say why you are rolling back.");
        await dialog.GetByTestId("rollback-reason").FillAsync("p95 doubled on the IDE dashboards");
        await dialog.GetByTestId("confirm-rollback").ClickAsync();

        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("rolled back");
        var model = await Browser.OpenAsync($"{Server.BaseUrl}/models/code-assist");
        var rolledBack = model.GetByTestId("timeline-item").Filter(new() { HasText = "rolled back" });
        await Expect(rolledBack.First).ToContainTextAsync("p95 doubled on the IDE dashboards");
        await Expect(rolledBack.First).ToContainTextAsync("e2e-operator");
    }

    [Fact]
    public async Task During_a_canary_the_pages_analysis_counts_new_samples_and_its_countdown_advances_every_second()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        using var created = await http.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = "support-chat", version = "1.1.0", environment = "staging", strategy = "canary", canary = new { steps = CanarySteps, stepSeconds = 600 },
        }, ct);
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();

        var page = await Browser.OpenAsync($"{Server.BaseUrl}/deployments/{id}");
        var phase = page.GetByTestId("analysis-phase");
        await Expect(phase).ToContainTextAsync("Step 1 of 3 (10%)", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("analysis-next")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("Next judgement (in ≤ 1 s|due now)"));
        await Expect(page.GetByTestId("analysis-canary-window")).ToContainTextAsync("since ");

        // One refresh a second: each change must show within two seconds (a period, plus slack for a loaded machine).
        var second = new LocatorAssertionsToHaveTextOptions { Timeout = 2_000 };
        var requests = 0;
        for (var round = 0; round < 3; round++)
        {
            var (into, left) = await PhaseSecondsAsync(page);
            await page.WaitForFunctionAsync(
                "([into, left]) => { const m = /(\\d+) s into a \\d+ s bake · (\\d+) s left/.exec(document.querySelector('[data-testid=analysis-phase]').textContent); return m && +m[1] > into && +m[2] < left; }",
                new[] { into, left }, new() { Timeout = 2_000 });

            await SupportChatTraffic.PostAsync(http, "1.1.0", 7, failEvery: 0, ct);
            requests += 7;
            await Expect(page.GetByTestId("analysis-canary-requests")).ToHaveTextAsync($"{requests} of 50", second);
        }
    }

    private static async Task<(int Into, int Left)> PhaseSecondsAsync(IPage page)
    {
        var text = await page.GetByTestId("analysis-phase").TextContentAsync() ?? "";
        var match = System.Text.RegularExpressions.Regex.Match(text, @"(\d+) s into a \d+ s bake · (\d+) s left");
        Assert.True(match.Success, $"phase reads '{text}'");
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
