using Bunit;
using ModelRegistry.Dashboard.Components.Controls;
using ModelRegistry.Dashboard.Components.Pages.Metrics;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class MetricsPageTests : DashboardTestContext
{
    private const string Model = "support-chat";

    [Fact]
    public async Task Each_environment_lists_its_versions_with_requests_and_error_rate()
    {
        await SeedServedVersionAsync("staging", Model, "1.0.0");
        await SeedVersionAsync(Model, "1.1.0");
        await Routes.SetSplitsAsync(Seeder, "staging", Model, [new SplitInfo("1.0.0", 90), new SplitInfo("1.1.0", 10)], expectedRevision: 1, reason: "canary", Cancellation);
        await RecordTrafficAsync("staging", Model, "1.0.0", requests: 100, failEvery: 2);
        await RecordTrafficAsync("staging", Model, "1.1.0", requests: 40);
        // Traffic measured where no route sends it (yet) is shown too, without a weight.
        await RecordTrafficAsync("production", Model, "1.0.0", requests: 8, failEvery: 4);

        var cut = RenderMetrics(Model);

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(
                ["1.1.0 10% 40 0.0%", "1.0.0 90% 100 50.0%"],
                Rows(cut, "staging"));
            Assert.Equal(["1.0.0 — 8 25.0%"], Rows(cut, "production"));
        });
        // Staging is listed before production.
        var tables = cut.FindAll("[data-testid^=metrics-]").Select(t => t.GetAttribute("data-testid")).Where(id => id is "metrics-staging" or "metrics-production");
        Assert.Equal(["metrics-staging", "metrics-production"], tables);
    }

    [Fact]
    public async Task Traffic_recorded_after_render_shows_on_the_next_refresh()
    {
        await SeedServedVersionAsync("staging", Model, "1.0.0");
        await RecordTrafficAsync("staging", Model, "1.0.0", requests: 10);
        var cut = RenderMetrics(Model);
        cut.WaitForAssertion(() => Assert.Equal(["1.0.0 100% 10 0.0%"], Rows(cut, "staging")));

        await RecordTrafficAsync("staging", Model, "1.0.0", requests: 30, failEvery: 3);

        cut.WaitForAssertion(() => Assert.Equal(["1.0.0 100% 40 25.0%"], Rows(cut, "staging")), TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// A second's figures re-render the table alone: the page — pickers, charts' shells — is not rendered again each
    /// second, which cost every open dashboard a second render tree per component (docs/benchmarks.md §e).
    /// </summary>
    [Fact]
    public async Task A_second_s_figures_re_render_the_table_not_the_page()
    {
        await SeedServedVersionAsync("staging", Model, "1.0.0");
        await RecordTrafficAsync("staging", Model, "1.0.0", requests: 10);
        var cut = RenderMetrics(Model);
        var table = cut.FindComponent<MetricsTable>();
        cut.WaitForAssertion(() => Assert.Equal(["1.0.0 100% 10 0.0%"], Rows(cut, "staging")));
        // Past the seeding's own route changes (the page re-reads routes on those): two of the table's seconds.
        var settled = table.RenderCount + 2;
        cut.WaitForAssertion(() => Assert.True(table.RenderCount >= settled), TimeSpan.FromSeconds(5));
        // A picker renders again whenever the page does (its options are a new list each time); bUnit counts a
        // component's render when anything below it renders, so the page's own count would include the table's.
        var picker = cut.FindComponent<PickerSelect>();
        var pickerRenders = picker.RenderCount;
        var tableRenders = table.RenderCount;

        await RecordTrafficAsync("staging", Model, "1.0.0", requests: 5);

        cut.WaitForAssertion(() => Assert.Equal(["1.0.0 100% 15 0.0%"], Rows(cut, "staging")), TimeSpan.FromSeconds(5));
        Assert.True(table.RenderCount > tableRenders);
        Assert.Equal(pickerRenders, picker.RenderCount);
    }

    [Fact]
    public async Task A_served_model_without_traffic_shows_its_routed_version_at_zero()
    {
        await SeedServedVersionAsync("staging", Model, "1.0.0");

        var cut = RenderMetrics(Model);

        cut.WaitForAssertion(() => Assert.Equal(["1.0.0 100% 0 0.0%"], Rows(cut, "staging")));
    }

    [Fact]
    public async Task A_model_with_neither_route_nor_traffic_says_so()
    {
        await SeedModelAsync(Model);

        var cut = RenderMetrics(Model);

        cut.WaitForAssertion(() => Assert.Contains(
            $"No traffic has been measured for {Model} in the last 1 min.", Normalize(cut.Find(".mud-alert").TextContent), StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=metrics-row]"));
    }

    /// <summary>
    /// The router reuses the page for another model's metrics (back/forward between two <c>/models/{Model}/metrics</c>):
    /// it must follow the new <c>Model</c>, not keep showing the first (it once read it only on initialisation).
    /// </summary>
    [Fact]
    public async Task Navigating_to_another_models_metrics_shows_that_model()
    {
        await SeedServedVersionAsync("staging", Model, "1.0.0");
        await SeedServedVersionAsync("staging", "summarizer", "3.0.0");
        await RecordTrafficAsync("staging", Model, "1.0.0", requests: 10);
        await RecordTrafficAsync("staging", "summarizer", "3.0.0", requests: 20);
        var cut = RenderMetrics(Model);
        cut.WaitForAssertion(() => Assert.Equal(["1.0.0 100% 10 0.0%"], Rows(cut, "staging")));

        cut.Render(p => p.Add(m => m.Model, "summarizer"));

        cut.WaitForAssertion(() => Assert.Equal(["3.0.0 100% 20 0.0%"], Rows(cut, "staging")), TimeSpan.FromSeconds(3));
    }

    private IRenderedComponent<MetricsPage> RenderMetrics(string model) => Render<MetricsPage>(p => p.Add(m => m.Model, model));

    /// <summary>Version, traffic weight, requests and error rate of each row of one environment's table.</summary>
    private static List<string> Rows(IRenderedComponent<MetricsPage> cut, string environment) =>
        [.. cut.FindAll($"[data-testid=metrics-{environment}] [data-testid=metrics-row]").Select(row =>
        {
            var cells = row.QuerySelectorAll("td");
            return Normalize($"{cells[0].TextContent} {cells[1].TextContent} {row.QuerySelector("[data-testid=metric-requests]")!.TextContent} {row.QuerySelector("[data-testid=metric-error-rate]")!.TextContent}");
        })];
}
