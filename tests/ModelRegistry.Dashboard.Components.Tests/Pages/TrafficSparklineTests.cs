using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Tests.Controls.Charts;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using ModelDetailPage = ModelRegistry.Dashboard.Components.Pages.Models.ModelDetail;
using OverviewPage = ModelRegistry.Dashboard.Components.Pages.Overview.Overview;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

/// <summary>
/// Issue 10: the Overview (per environment, each model's versions summed) and Model detail (per serving version) draw
/// requests/s and error-rate sparklines from the live feed's recent seconds, then append each new second as a delta.
/// </summary>
public sealed class TrafficSparklineTests : DashboardTestContext
{
    private const string Model = "support-chat";

    // A bucket boundary (5 s), so the snapshot's second and the live one fall in two different points.
    private static readonly DateTime Now = new(2031, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly BunitJSModuleInterop _module;

    public TrafficSparklineTests()
    {
        _module = JSInterop.SetupModule("./" + TimeSeriesChart.ModulePath);
        Clock.PinnedNow = new DateTimeOffset(Now);
    }

    private LiveFeed Feed => Services.GetRequiredService<LiveFeed>();

    [Fact]
    public async Task The_overview_sums_a_models_versions_per_environment_and_appends_each_new_second()
    {
        await ServeCanaryAsync();
        // Five seconds ago: stable 8 requests, canary 2 of which 1 failed; other environments and models do not count.
        Feed.Publish(Second(Now.AddSeconds(-5), (Staging("1.0.0"), 8, 0), (Staging("1.1.0"), 2, 1), (new("production", Model, "1.0.0"), 50, 50), (new("staging", "other", "1.0.0"), 70, 0)));

        var cut = Render<OverviewPage>();

        var requests = CreatedChart(cut, "spark-staging-support-chat-requests");
        var errors = CreatedChart(cut, "spark-staging-support-chat-errors");
        Assert.Equal(["Requests/s"], requests.Series.Select(s => s.Name));
        Assert.Equal([new WirePoint(0, Ms(Now.AddSeconds(-5)), 10)], requests.Points);
        Assert.Equal([new WirePoint(0, Ms(Now.AddSeconds(-5)), 10)], errors.Points);
        Assert.Equal("Requests per second of support-chat in staging, all versions: Requests/s over time", Canvas(cut, "spark-staging-support-chat-requests").GetAttribute("aria-label"));
        Assert.Equal(("10.0/s", "10.0%"), NowText(cut, "spark-staging-support-chat"));

        Feed.Publish(Second(Now, (Staging("1.0.0"), 4, 0), (Staging("1.1.0"), 1, 1)));

        await EventuallyAsync(() =>
        {
            Assert.Equal([new WirePoint(0, Ms(Now), 5)], Appended(requests.Id));
            Assert.Equal([new WirePoint(0, Ms(Now), 20)], Appended(errors.Id));
            Assert.Equal(("7.5/s", "13.3%"), NowText(cut, "spark-staging-support-chat"));
        });
        // A live second is a delta: no sparkline was created twice.
        Assert.Equal(cut.FindAll(".tsc-sparkline").Count, _module.Invocations["create"].Count);
    }

    [Fact]
    public async Task Model_detail_draws_each_serving_version_and_appends_each_new_second()
    {
        await ServeCanaryAsync();
        Feed.Publish(Second(Now.AddSeconds(-5), (Staging("1.0.0"), 8, 0), (Staging("1.1.0"), 2, 1)));

        var cut = Render<ModelDetailPage>(p => p.Add(d => d.Name, Model));

        var stable = CreatedChart(cut, "spark-staging-1.0.0-requests");
        var canary = CreatedChart(cut, "spark-staging-1.1.0-requests");
        var canaryErrors = CreatedChart(cut, "spark-staging-1.1.0-errors");
        Assert.Equal([new WirePoint(0, Ms(Now.AddSeconds(-5)), 8)], stable.Points);
        Assert.Equal([new WirePoint(0, Ms(Now.AddSeconds(-5)), 2)], canary.Points);
        Assert.Equal([new WirePoint(0, Ms(Now.AddSeconds(-5)), 50)], canaryErrors.Points);
        Assert.Equal("Error rate of support-chat 1.1.0 in staging: Error rate over time", Canvas(cut, "spark-staging-1.1.0-errors").GetAttribute("aria-label"));
        Assert.Equal(("2.0/s", "50.0%"), NowText(cut, "spark-staging-1.1.0"));

        Feed.Publish(Second(Now, (Staging("1.0.0"), 4, 0), (Staging("1.1.0"), 1, 0)));

        await EventuallyAsync(() =>
        {
            Assert.Equal([new WirePoint(0, Ms(Now), 4)], Appended(stable.Id));
            Assert.Equal([new WirePoint(0, Ms(Now), 1)], Appended(canary.Id));
            Assert.Equal([new WirePoint(0, Ms(Now), 0)], Appended(canaryErrors.Id));
            Assert.Equal(("1.5/s", "33.3%"), NowText(cut, "spark-staging-1.1.0"));
        });
    }

    private async Task ServeCanaryAsync()
    {
        await SeedServedVersionAsync("staging", Model, "1.0.0");
        await SeedVersionAsync(Model, "1.1.0");
        await Routes.SetSplitsAsync(Seeder, "staging", Model, [new SplitInfo("1.0.0", 90), new SplitInfo("1.1.0", 10)], expectedRevision: 1, reason: "canary", Cancellation);
    }

    private static SeriesKey Staging(string version) => new("staging", Model, version);

    private static LiveSecond Second(DateTime at, params (SeriesKey Key, long Requests, long Errors)[] points) =>
        new(at, points.ToDictionary(p => p.Key, p => new MetricPoint(at, p.Requests, p.Errors, (double)p.Errors / p.Requests, 40, 40, 40, 40, 40, 0, 0)));

    private static long Ms(DateTime at) => new DateTimeOffset(at).ToUnixTimeMilliseconds();

    private static AngleSharp.Dom.IElement Canvas<T>(IRenderedComponent<T> cut, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent => cut.Find($"[data-testid='{testId}'] .tsc-canvas");

    /// <summary>The create call of the chart under <paramref name="testId"/>, once it has been made.</summary>
    private ChartConfig CreatedChart<T>(IRenderedComponent<T> cut, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        ChartConfig? config = null;
        cut.WaitForAssertion(() =>
        {
            var id = Canvas(cut, testId).Id;
            config = Assert.Single(_module.Invocations["create"].Select(i => Sent.Of<ChartConfig>(i.Arguments[1])), c => c.Id == id);
        });
        Assert.True(config!.Sparkline);
        return config;
    }

    /// <summary>
    /// Waits until <paramref name="assertion"/> holds: a delta reaches the module on the chart's one-second update timer,
    /// which renders nothing that <c>WaitForAssertion</c> could wake up on.
    /// </summary>
    private async Task EventuallyAsync(Action assertion)
    {
        var deadline = DateTime.UtcNow + DefaultWaitTimeout;
        while (true)
        {
            try
            {
                await Renderer.Dispatcher.InvokeAsync(assertion);
                return;
            }
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, Cancellation);
            }
        }
    }

    private List<WirePoint> Appended(string chartId) =>
        [.. _module.Invocations["append"].Where(i => (string)i.Arguments[0]! == chartId).SelectMany(i => Sent.Of<WirePoint[]>(i.Arguments[1]))];

    private static (string Requests, string Errors) NowText<T>(IRenderedComponent<T> cut, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        (cut.Find($"[data-testid='{testId}-requests-now']").TextContent, cut.Find($"[data-testid='{testId}-errors-now']").TextContent);
}
