using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Tests.Controls.Charts;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Components.Pages.Metrics;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

/// <summary>
/// The Metrics page's charts as the browser module receives them: what each chart is created with, reset to on a range
/// change, appended each second and annotated with (read off the recorded interop calls of the chart module).
/// </summary>
public sealed class MetricsPageChartTests : DashboardTestContext
{
    private const string Model = "support-chat";
    private const string RequestsUnit = "perSecond";

    [Fact]
    public async Task The_range_picker_switches_from_one_second_live_points_to_minute_history_and_back_without_recreating_the_chart()
    {
        await SeedServedVersionAsync("staging", Model, "1.0.0");
        var series = new SeriesKey("staging", Model, "1.0.0");
        var now = Clock.GetUtcNow().UtcDateTime;
        var start = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddSeconds(-30);
        for (var s = 0; s < 20; s++)
        {
            PublishSecond(start.AddSeconds(s), series, requests: 5);
        }

        var cut = Render<MetricsPage>(p => p.Add(m => m.Model, Model));

        // Live 1 min: created once with one-second points and a one-minute window.
        var created = WaitFor(cut, () => Creates().FirstOrDefault(c => c.Unit == RequestsUnit));
        Assert.Equal(60_000, created.WindowMs);
        Assert.Equal(["1.0.0"], created.Series.Select(s => s.Name));
        // (Minutes before the feed's first second would come from the rollups: here none has traffic.)
        var published = created.Points.Where(p => p.X >= Ms(start)).ToList();
        Assert.Equal(20, published.Count);
        Assert.All(Steps(published), step => Assert.Equal(1_000, step));
        Assert.All(published, p => Assert.Equal(5, p.Y));

        // A new second arrives as a delta, not a new chart.
        PublishSecond(start.AddSeconds(20), series, requests: 7);
        cut.WaitForAssertion(() => Assert.Contains(Appends(), points => points.Any(p => p.Y == 7)));

        // History 1 h: the same chart reset to minute points over an hour, and the table says so.
        await ClickRangeAsync(cut, "1h");
        var hour = WaitFor(cut, () => Resets(created.Id).LastOrDefault(r => r.WindowMs == 3_600_000));
        Assert.InRange(hour.Points.Count, 60, 61); // the hour's minutes, and the one still filling when not on a boundary
        Assert.All(Steps(hour.Points), step => Assert.Equal(60_000, step));
        Assert.Contains("one point per 1 min", cut.Find("[data-testid=metrics-resolution]").TextContent, StringComparison.Ordinal);

        // History 7 d stays within 2000 points per version: six-minute steps.
        await ClickRangeAsync(cut, "7d");
        var week = WaitFor(cut, () => Resets(created.Id).LastOrDefault(r => r.WindowMs == (long)TimeSpan.FromDays(7).TotalMilliseconds));
        Assert.InRange(week.Points.Count, 1_600, MetricsRange.MaxPoints);
        Assert.All(Steps(week.Points), step => Assert.Equal(360_000, step));

        // Back to live 15 min: one-second points again, with the fifteen-minute window.
        await ClickRangeAsync(cut, "15m");
        var live = WaitFor(cut, () => Resets(created.Id).LastOrDefault(r => r.WindowMs == 900_000));
        var seconds = live.Points.Where(p => p.X >= Ms(start)).ToList();
        Assert.Equal(21, seconds.Count);
        Assert.All(Steps(seconds), step => Assert.Equal(1_000, step));

        // Each of the five charts was created once: ranges reset them.
        Assert.Equal(MetricsChartKind.All.Count, Creates().Count);
    }

    [Fact]
    public async Task Deployments_and_alerts_are_marked_on_load_and_new_ones_are_added_live()
    {
        var canary = await StartCanaryAsync(Model);
        await SeedDefaultAlertRulesAsync();

        var cut = Render<MetricsPage>(p => p.Add(m => m.Model, Model));

        var created = WaitFor(cut, () => Creates().FirstOrDefault(c => c.Unit == RequestsUnit));
        Assert.Equal(["1.1.0", "1.0.0"], created.Series.Select(s => s.Name));
        var deploy = Assert.Single(created.Marks);
        Assert.Equal(("deploy", "Deploy 1.1.0 10%"), (deploy.Kind, deploy.Label));
        Assert.Contains($"Deployment #{canary.Id} (Canary, 1.0.0 → 1.1.0)", deploy.Detail, StringComparison.Ordinal);

        // An alert fires and the canary is rolled back while the page is open: both are marked without a reload.
        await RecordTrafficAsync("staging", Model, "1.1.0", requests: 100, failEvery: 2);
        await EvaluateAlertsAsync();
        cut.WaitForAssertion(() => Assert.Contains(Annotations(), m => m is { Kind: "alert", Label: "Alert 1.1.0" } && m.Detail!.Contains("Error rate", StringComparison.Ordinal)));

        await Deployments.RollbackAsync(Seeder, canary.Id, "bad canary", cancellationToken: Cancellation);
        cut.WaitForAssertion(() => Assert.Contains(Annotations(), m => m is { Kind: "rollback", Label: "Rollback 1.1.0" }));
        // The rollback's own events (its shift to 0%, "rolled back") add no second mark.
        Assert.Equal(MetricsChartKind.All.Count, Annotations().Count(m => m.Kind is "rollback" or "shift"));

        // Every chart gets the marks, each mark once.
        var perChart = Annotations().GroupBy(m => (m.Kind, m.Label, m.X)).Select(g => g.Count()).Distinct();
        Assert.Equal([MetricsChartKind.All.Count], perChart);
    }

    [Fact]
    public async Task Comparing_two_versions_limits_every_chart_to_those_two()
    {
        await SeedServedVersionAsync("staging", Model, "1.0.0");
        await SeedVersionAsync(Model, "1.1.0");
        await SeedVersionAsync(Model, "1.2.0");
        await Routes.SetSplitsAsync(Seeder, "staging", Model, [new SplitInfo("1.0.0", 80), new SplitInfo("1.1.0", 10), new SplitInfo("1.2.0", 10)], expectedRevision: 1, reason: "two canaries", Cancellation);

        var cut = Render<MetricsPage>(p => p.Add(m => m.Model, Model));
        cut.WaitForAssertion(() => Assert.Equal(
            Enumerable.Repeat("1.2.0 1.1.0 1.0.0", MetricsChartKind.All.Count),
            Creates().Select(Legend)));

        await PickAsync(cut, "metrics-compare-a", "1.2.0");
        await PickAsync(cut, "metrics-compare-b", "1.0.0");

        cut.WaitForAssertion(() => Assert.Equal(
            Enumerable.Repeat("1.2.0 1.0.0", MetricsChartKind.All.Count),
            Creates().TakeLast(MetricsChartKind.All.Count).Select(Legend)));
        // The summary table still lists every version.
        Assert.Equal(3, cut.FindAll("[data-testid=metrics-row]").Count);
    }

    private void PublishSecond(DateTime at, SeriesKey series, long requests) =>
        Services.GetRequiredService<LiveFeed>().Publish(new LiveSecond(at, new Dictionary<SeriesKey, MetricPoint>
        {
            [series] = new(at, requests, 0, 0, 100, 100, 120, 150, 160, requests * 10, requests * 20),
        }));

    private static string Legend(ChartConfig chart) => string.Join(' ', chart.Series.Select(s => s.Name));

    /// <summary>Waits until <paramref name="find"/> finds something (the page renders and calls the chart module asynchronously).</summary>
    private static T WaitFor<T>(IRenderedComponent<MetricsPage> cut, Func<T?> find)
        where T : class
    {
        cut.WaitForAssertion(() => Assert.NotNull(find()));
        return find()!;
    }

    private static long Ms(DateTime at) => new DateTimeOffset(at).ToUnixTimeMilliseconds();

    private static IEnumerable<long> Steps(IReadOnlyList<WirePoint> points) =>
        points.Where(p => p.Series == 0).Select(p => p.X).Order().Zip(points.Where(p => p.Series == 0).Select(p => p.X).Order().Skip(1), (a, b) => b - a);

    private List<ChartConfig> Creates() =>
        [.. JSInterop.Invocations.Where(i => i.Identifier == "create").Select(i => Sent.Of<ChartConfig>(i.Arguments[1]))];

    private List<Reset> Resets(string chartId) =>
        [.. JSInterop.Invocations.Where(i => i.Identifier == "reset" && Equals(i.Arguments[0], chartId)).Select(i => new Reset(Sent.Of<WirePoint[]>(i.Arguments[1]), (long?)i.Arguments[3]))];

    private List<WirePoint[]> Appends() =>
        [.. JSInterop.Invocations.Where(i => i.Identifier == "append").Select(i => Sent.Of<WirePoint[]>(i.Arguments[1]))];

    private List<WireMark> Annotations() =>
        [.. JSInterop.Invocations.Where(i => i.Identifier == "annotate").SelectMany(i => Sent.Of<WireMark[]>(i.Arguments[1]))];

    private static async Task ClickRangeAsync(IRenderedComponent<MetricsPage> cut, string key)
    {
        await cut.InvokeAsync(() => cut.Find($"[data-testid=metrics-range-{key}]").Click());
        Assert.Equal("true", cut.Find($"[data-testid=metrics-range-{key}]").GetAttribute("aria-checked"));
    }

    private static Task PickAsync(IRenderedComponent<MetricsPage> cut, string testId, string version) =>
        cut.InvokeAsync(() => cut.Find($"select[data-testid={testId}]").Change(version));

    private sealed record Reset(IReadOnlyList<WirePoint> Points, long? WindowMs);
}
