using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>The demo as an operator sees it: real requests to the demo backends become live figures on the Metrics page.</summary>
public sealed class MetricsFlowTests : EndToEndTest
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Demo:Traffic:RequestsPerSecondPerRoute"] = "10",
    };

    [Fact]
    public async Task The_metrics_page_shows_live_changing_figures_for_every_route_of_a_model()
    {
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/models/embed-search/metrics");

        // embed-search: staging 3.2.0 100%, production 3.1.0 50% / 3.2.0 50% (the demo catalogue).
        var staging = page.GetByTestId("metrics-staging").GetByTestId("metrics-row");
        var production = page.GetByTestId("metrics-production").GetByTestId("metrics-row");
        await Expect(staging).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(production).ToHaveCountAsync(2);
        await Expect(production.First).ToContainTextAsync("50%");

        var requests = production.First.GetByTestId("metric-requests");
        await Expect(requests).Not.ToHaveTextAsync("0", new() { Timeout = 15_000 });
        var first = await requests.TextContentAsync();
        await Expect(requests).Not.ToHaveTextAsync(first!, new() { Timeout = 10_000 });
        await Expect(staging.First.GetByTestId("metric-requests")).Not.ToHaveTextAsync("0");
    }

    /// <summary>
    /// Issue 10's acceptance line: with traffic flowing, the requests chart gains points every second without a reload
    /// (counted in the chart: the points ApexCharts holds, which the element's <c>data-points</c> mirrors).
    /// </summary>
    [Fact]
    public async Task The_requests_chart_gains_points_every_second_without_a_reload()
    {
        // 15 live minutes: nothing is trimmed yet, so every new second adds a point per version.
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/models/support-chat/metrics?environment=staging&range=15m");
        await page.EvaluateAsync("() => window.sameDocument = true");
        const string Canvas = "[data-testid=metrics-chart-requests] .tsc-canvas";
        await page.WaitForFunctionAsync($"() => +document.querySelector('{Canvas}')?.dataset.points > 0", null, new() { Timeout = 20_000 });

        var counts = new List<int> { await PointsAsync(page, Canvas) };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var second = 0; second < 5; second++)
        {
            // One update per second at most: each new count must come within a couple of seconds of the last.
            await page.WaitForFunctionAsync(
                "([selector, count]) => +document.querySelector(selector).dataset.points > count",
                new object[] { Canvas, counts[^1] },
                new() { Timeout = 2_500, PollingInterval = 100 });
            counts.Add(await PointsAsync(page, Canvas));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"points over {watch.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", counts)}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"5 new seconds took {watch.Elapsed.TotalSeconds:0.0} s to be drawn");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
    }

    /// <summary>The points ApexCharts holds in the chart's series (checked against the element's <c>data-points</c>).</summary>
    private static async Task<int> PointsAsync(Microsoft.Playwright.IPage page, string canvas)
    {
        var counts = await page.EvaluateAsync<int[]>(
            "selector => { const el = document.querySelector(selector); " +
            "return [ApexCharts.getChartByID(el.id).w.config.series.reduce((n, s) => n + s.data.length, 0), +el.dataset.points]; }",
            canvas);
        Assert.Equal(counts[0], counts[1]);
        return counts[0];
    }
}
