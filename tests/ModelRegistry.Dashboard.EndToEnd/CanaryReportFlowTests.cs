using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// The deployment page's canary report in a real browser: a canary launched through the wizard with a bad target shows,
/// live and without a reload, its 10% shift, the failing verdict and the rollback on the chart, with the error-rate
/// limit drawn at the guard rule's value; dark mode recolours the charts.
/// </summary>
public sealed class CanaryReportFlowTests : EndToEndTest
{
    private const string ErrorChart = "[data-testid=canary-chart-error-rate]";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false", // only the traffic the test sends: the verdict is about known numbers
    };

    [Fact]
    public async Task A_bad_canary_launched_through_the_wizard_is_marked_live_on_its_chart_from_shift_to_failing_verdict_to_rollback()
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await Wizard.OpenAtReviewAsync(Browser, Server.BaseUrl, "support-chat", "1.1.0");
        await Expect(page.GetByTestId("review-compatibility")).ToContainTextAsync("Compatible");
        await page.GetByTestId("wizard-launch").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/deployments/\\d+$"), new() { Timeout = 15_000 });
        await page.EvaluateAsync("() => window.__sameDocument = true"); // a reload would lose it
        var id = long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
        var chart = page.Locator(ErrorChart);
        var marks = chart.Locator(".apexcharts-xaxis-annotations");

        // The stable version serves as usual; the first step's shift arrives as a mark on the chart already drawn.
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("progressing", new() { Timeout = 20_000 });
        await SupportChatTraffic.PostAsync(http, "1.2.0", 900, failEvery: 0, ct);
        await Expect(marks.Locator(".tsc-mark-shift")).ToHaveTextAsync("10%", new() { Timeout = 20_000 });

        // The limit line is drawn where the guard rule puts it on the chart's own scale.
        var deployment = await http.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{id}", ct);
        var maxErrorRate = deployment.GetProperty("guard").GetProperty("maxErrorRate").GetDouble();
        var drawn = await DrawnThresholdAsync(page, $"max {maxErrorRate.ToString("0.##", CultureInfo.InvariantCulture)}%");
        Assert.InRange(drawn.Value, maxErrorRate - drawn.ValuePerPixel, maxErrorRate + drawn.ValuePerPixel);

        // The canary fails half its requests.
        await SupportChatTraffic.PostAsync(http, "1.1.0", 100, failEvery: 2, ct);

        await Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("rolled back", new() { Timeout = 30_000 });
        await Expect(marks.Locator(".tsc-mark-fail")).ToHaveTextAsync("fail", new() { Timeout = 10_000 });
        await Expect(marks.Locator(".tsc-mark-rollback")).ToHaveTextAsync("rolled back");
        await Expect(marks.Locator(".tsc-mark-shift")).ToHaveCountAsync(1); // the rollback's own shift is not a step forward
        // The failing verdict and the rollback it caused a second later are both readable: their labels do not overlap.
        // Both boxes are read in one evaluation: the chart redraws its annotations each second.
        var boxes = await page.WaitForFunctionAsync(
            "selector => { const root = document.querySelector(selector); const f = root?.querySelector('.tsc-mark-fail'); const r = root?.querySelector('.tsc-mark-rollback');" +
            " if (!f || !r) return null; const a = f.getBoundingClientRect(), b = r.getBoundingClientRect();" +
            " return a.width && b.width ? [a.x, a.y, a.width, a.height, b.x, b.y, b.width, b.height] : null; }",
            ErrorChart);
        var box = await boxes.JsonValueAsync<double[]>();
        var overlap = box[0] < box[4] + box[6] && box[4] < box[0] + box[2] && box[1] < box[5] + box[7] && box[5] < box[1] + box[3];
        Assert.False(overlap, $"the fail label ({box[0]},{box[1]}) covers the rollback label ({box[4]},{box[5]})");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        // The report's table shows the failing verdict check by check.
        await Expect(page.GetByTestId("canary-table").GetByTestId("check-result").First).ToHaveTextAsync("fail");

        // Dark mode recolours the charts in place.
        var canvas = chart.Locator(".tsc-canvas");
        await Expect(canvas).ToHaveAttributeAsync("data-theme", "light");
        var lightLabel = await AxisLabelColourAsync(page);
        await page.GetByTestId("dark-mode-toggle").ClickAsync();
        await Expect(canvas).ToHaveAttributeAsync("data-theme", "dark");
        await page.WaitForFunctionAsync(
            "([selector, before]) => { const t = document.querySelector(selector + ' .apexcharts-yaxis-label'); return t && getComputedStyle(t).fill !== before; }",
            new[] { ErrorChart, lightLabel });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
    }

    /// <summary>
    /// The value at the drawn limit line labelled <paramref name="label"/>, read back through the chart's own scale
    /// (ApexCharts' globals: the plot's height and its y range), and what one pixel is worth there.
    /// </summary>
    private static async Task<(double Value, double ValuePerPixel)> DrawnThresholdAsync(IPage page, string label)
    {
        var handle = await page.WaitForFunctionAsync(
            """
            ([selector, label]) => {
                const canvas = document.querySelector(selector + ' .tsc-canvas');
                const chart = canvas && ApexCharts.getChartByID(canvas.id);
                if (!chart) return null;
                const group = canvas.querySelector('.apexcharts-yaxis-annotations');
                if (!group) return null;
                const text = [...group.querySelectorAll('text')].find(t => t.textContent.trim() === label);
                const lines = [...group.querySelectorAll('line')];
                if (!text || lines.length === 0) return null;
                const index = [...group.querySelectorAll('text')].indexOf(text);
                const line = lines[index];
                const g = chart.w.globals;
                const y = parseFloat(line.getAttribute('y1'));
                const perPixel = g.yRange[0] / g.gridHeight;
                return [g.minYArr[0] + (g.gridHeight - y) * perPixel, perPixel];
            }
            """,
            new[] { ErrorChart, label }, new() { Timeout = 10_000 });
        var pair = await handle.JsonValueAsync<double[]>();
        return (pair[0], pair[1]);
    }

    private static Task<string> AxisLabelColourAsync(IPage page) =>
        page.EvaluateAsync<string>("selector => getComputedStyle(document.querySelector(selector + ' .apexcharts-yaxis-label')).fill", ErrorChart);
}
