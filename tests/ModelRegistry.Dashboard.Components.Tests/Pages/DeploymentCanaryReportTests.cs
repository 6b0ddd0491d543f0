using Bunit;
using Bunit.Rendering;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Tests.Controls.Charts;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Components.Pages.Deployments;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

/// <summary>
/// The deployment page's canary report: charts of the new version against the stable one (history once, then live
/// seconds as deltas), the guard-rule limits as lines, the deployment's events and verdicts as marks sent once each,
/// and the judgement check by check as a table. What the browser is asked to draw is read from the chart module's calls.
/// </summary>
public sealed class DeploymentCanaryReportTests : DashboardTestContext
{
    private static readonly string[] ChartIds = [.. CanaryMetric.All.Select(m => $"canary-chart-{m.Key}")];

    private LiveFeed Feed => Services.GetRequiredService<LiveFeed>();

    [Fact]
    public async Task The_charts_draw_the_new_version_against_the_stable_one_since_the_deployment_began_with_the_guard_rule_limits()
    {
        var canary = await StartCanaryAsync();
        var first = WholeSecond(canary.CreatedAt).AddSeconds(1);
        // Only the stable version serves, then both, then only the stable one again: history the page loads once.
        var before = WholeSecond(canary.CreatedAt);
        Feed.Publish(Second(before, canaryPoint: null, stablePoint: Point(before, requests: 30, errors: 0, latencyMs: 100)));
        Feed.Publish(Second(first, canaryPoint: Point(first, requests: 4, errors: 2, latencyMs: 300), stablePoint: Point(first, requests: 36, errors: 0, latencyMs: 120)));
        Feed.Publish(Second(first.AddSeconds(1), canaryPoint: null, stablePoint: Point(first.AddSeconds(1), requests: 40, errors: 4, latencyMs: 110)));

        var cut = RenderDetail(canary.Id);

        var charts = WaitForCharts(cut);
        foreach (var config in charts.Values)
        {
            Assert.Equal(["1.1.0 (new)", "1.0.0 (stable)"], config.Series.Select(s => s.Name));
        }

        var errors = charts["canary-chart-error-rate"].Points;
        Assert.Contains(new WirePoint(0, Ms(first), 50), errors);
        Assert.Contains(new WirePoint(1, Ms(first), 0), errors);
        Assert.Contains(new WirePoint(1, Ms(first.AddSeconds(1)), 10), errors);
        // Before the canary's first request its ratios are gaps (the axis still spans the deployment); after it a second
        // without a canary request has no error rate (the line joins its neighbours), but a real zero rate.
        Assert.Contains(new WirePoint(0, Ms(before), null), errors);
        Assert.DoesNotContain(errors, p => p.Series == 0 && p.X == Ms(first.AddSeconds(1)));
        Assert.Contains(new WirePoint(0, Ms(first.AddSeconds(1)), 0), charts["canary-chart-requests"].Points);
        Assert.Contains(new WirePoint(0, Ms(first), 300), charts["canary-chart-avg-latency"].Points);
        Assert.Contains(new WirePoint(1, Ms(first), 30), charts["canary-chart-tokens"].Points);

        // The absolute guard rules (the defaults: 10% errors, 2000 ms average, no p95 limit) at their values.
        var guard = canary.Guard;
        Assert.Contains(new WireThreshold(guard.MaxErrorRate, "max 10%"), charts["canary-chart-error-rate"].Thresholds);
        Assert.Contains(new WireThreshold(guard.MaxAvgLatencyMs, "max 2000 ms"), charts["canary-chart-avg-latency"].Thresholds);
        Assert.Empty(charts["canary-chart-p95-latency"].Thresholds);
        // The shift to the first step is marked on every chart.
        var shift = await ShiftEventAsync(canary.Id, 10);
        foreach (var config in charts.Values)
        {
            Assert.Contains(config.Marks, m => m.Kind == "shift" && m.Label == "10%" && m.X == Ms(shift.At));
        }
    }

    [Fact]
    public async Task Live_seconds_arrive_as_deltas_and_each_new_event_or_verdict_is_marked_once_without_recreating_the_charts()
    {
        var canary = await StartCanaryAsync();
        var cut = RenderDetail(canary.Id);
        var charts = WaitForCharts(cut);
        var errorRate = ElementId(cut, "canary-chart-error-rate");

        var at = WholeSecond(Clock.GetUtcNow().UtcDateTime).AddSeconds(2);
        Feed.Publish(Second(at, canaryPoint: Point(at, requests: 8, errors: 2, latencyMs: 200), stablePoint: Point(at, requests: 72, errors: 0, latencyMs: 100)));
        cut.WaitForAssertion(() =>
        {
            var appended = Calls("append").Where(c => (string)c.Arguments[0]! == errorRate).SelectMany(c => Sent.Of<WirePoint[]>(c.Arguments[1])).ToList();
            Assert.Contains(new WirePoint(0, Ms(at), 25), appended);
            Assert.Contains(new WirePoint(1, Ms(at), 0), appended);
        });

        var operatorActor = new Actor("alice", ActorRole.Operator);
        await Deployments.PauseAsync(operatorActor, canary.Id, cancellationToken: Cancellation);
        cut.WaitForAssertion(() => Assert.Equal(ChartIds.Length, Annotated().Count(m => m.Mark.Kind == "pause" && m.Mark.Label == "paused")));
        await Deployments.ResumeAsync(operatorActor, canary.Id, cancellationToken: Cancellation);
        cut.WaitForAssertion(() => Assert.Equal(ChartIds.Length, Annotated().Count(m => m.Mark.Kind == "resume")));

        var failed = await FailCanaryAsync(canary.Id);

        cut.WaitForAssertion(() =>
        {
            var marks = Annotated();
            var fail = marks.Where(m => m.Mark.Kind == "fail").ToList();
            Assert.Equal(ChartIds.Length, fail.Count);
            Assert.All(fail, m => Assert.Equal(("fail", Ms(failed.At), $"Verdict {failed.Id}, step 1 at 10%: {failed.Summary}"), (m.Mark.Label, m.Mark.X, m.Mark.Detail)));
            Assert.Equal(ChartIds.Length, marks.Count(m => m.Mark.Kind == "rollback" && m.Mark.Label == "rolled back"));
            // Sent once: the pause is not sent again with the later changes.
            Assert.Equal(ChartIds.Length, marks.Count(m => m.Mark.Kind == "pause"));
        });
        Assert.Equal(ChartIds.Length, Calls("create").Count);
        Assert.Equal([.. charts.Keys.Select(k => ElementId(cut, k)).Order()], Calls("create").Select(c => (Sent.Of<ChartConfig>(c.Arguments[1])).Id).Order());
    }

    [Fact]
    public async Task After_a_rollback_the_table_shows_the_failing_verdict_check_by_check_and_the_charts_its_relative_limits()
    {
        var canary = await StartCanaryAsync();
        var verdict = await FailCanaryAsync(canary.Id);

        var cut = RenderDetail(canary.Id);

        cut.WaitForAssertion(() => Assert.Equal(7, cut.FindAll("[data-testid=canary-table] tbody tr").Count));
        Assert.StartsWith($"Verdict {verdict.Id} at {verdict.At:HH:mm:ss} UTC: step 1 of 3 (10%), fail", Normalize(cut.Find("[data-testid=canary-table-caption]").TextContent), StringComparison.Ordinal);
        var rows = cut.FindAll("[data-testid=canary-table] tbody tr").ToDictionary(
            r => Normalize(r.QuerySelector("[data-testid=check-metric]")!.TextContent),
            r => (Cell(r, "check-canary"), Cell(r, "check-baseline"), Cell(r, "check-limit"), Cell(r, "check-result")));
        Assert.Equal(("50%", "0%", "10%", "fail"), rows["Error rate"]);
        Assert.Equal(("50%", "0%", "5%", "fail"), rows["Error rate vs baseline"]);
        Assert.Equal(("100 ms", "100 ms", "2000 ms", "pass"), rows["Average latency"]);
        Assert.Equal(("100 ms", "100 ms", "150 ms", "pass"), rows["Average latency vs baseline"]);
        Assert.Equal(("30", "30", "45", "pass"), rows["Tokens per request vs baseline"]);
        Assert.Equal(("—", "—"), (rows["p95 latency"].Item3, rows["Success rate"].Item3));
        Assert.Contains("always-valid lower 99% bound > 10%", cut.FindAll("[data-testid=canary-table] tbody tr")[0].TextContent, StringComparison.Ordinal);

        // The relative limits are drawn where that verdict put them, computed from the stable version's figures.
        var charts = WaitForCharts(cut);
        Assert.Contains(new WireThreshold(5, $"stable + 5 pts (verdict {verdict.Id})"), charts["canary-chart-error-rate"].Thresholds);
        Assert.Contains(new WireThreshold(150, $"stable + 50% (verdict {verdict.Id})"), charts["canary-chart-avg-latency"].Thresholds);
        Assert.Contains(new WireThreshold(45, $"stable + 50% (verdict {verdict.Id})"), charts["canary-chart-tokens"].Thresholds);
        Assert.Contains(charts["canary-chart-error-rate"].Marks, m => m.Kind == "rollback");
        Assert.Contains(charts["canary-chart-error-rate"].Marks, m => m.Kind == "fail" && m.X == Ms(verdict.At));
    }

    /// <summary>
    /// The canary fails half its requests against a healthy stable version (100 ms, 30 tokens a request on both):
    /// one orchestrator pass stores the failing verdict and rolls back. Returns that verdict.
    /// </summary>
    private async Task<VerdictInfo> FailCanaryAsync(long id)
    {
        await RecordTrafficAsync("staging", "support-chat", "1.0.0", requests: 200);
        await RecordTrafficAsync("staging", "support-chat", "1.1.0", requests: 60, failEvery: 2);
        await TickDeploymentsAsync();
        var rolledBack = await Deployments.GetAsync(id, Cancellation);
        Assert.Equal(DeploymentStatus.RolledBack, rolledBack.Status);
        var failed = rolledBack.Verdicts[^1];
        Assert.Equal(VerdictOutcome.Fail, failed.Outcome);
        return failed;
    }

    private IRenderedComponent<ContainerFragment> RenderDetail(long id) =>
        RenderWithSnackbar(Page<DeploymentDetail>(page => page.AddAttribute(1, nameof(DeploymentDetail.Id), id)));

    /// <summary>Waits until every chart of the report is created, and returns each one's configuration by its test id.</summary>
    private Dictionary<string, ChartConfig> WaitForCharts(IRenderedComponent<ContainerFragment> cut)
    {
        cut.WaitForAssertion(() => Assert.Equal(ChartIds.Length, Calls("create").Count));
        var byId = Calls("create").Select(c => Sent.Of<ChartConfig>(c.Arguments[1])).ToDictionary(c => c.Id);
        return ChartIds.ToDictionary(k => k, k => byId[ElementId(cut, k)]);
    }

    private List<JSRuntimeInvocation> Calls(string identifier) => [.. JSInterop.Invocations.Where(i => i.Identifier == identifier)];

    private List<(string Chart, WireMark Mark)> Annotated() =>
        [.. Calls("annotate").SelectMany(c => (Sent.Of<WireMark[]>(c.Arguments[1])).Select(m => ((string)c.Arguments[0]!, m)))];

    private static string ElementId(IRenderedComponent<ContainerFragment> cut, string testId) => cut.Find($"[data-testid={testId}] .tsc-canvas").Id!;

    private static string Cell(AngleSharp.Dom.IElement row, string testId) => Normalize(row.QuerySelector($"[data-testid={testId}]")!.TextContent);

    private async Task<DeploymentEventInfo> ShiftEventAsync(long id, int to) =>
        (await Deployments.GetAsync(id, Cancellation)).Events.Single(e => e.Kind == DeploymentEventKind.TrafficShifted && e.TrafficTo == to);

    private static LiveSecond Second(DateTime at, MetricPoint? canaryPoint, MetricPoint? stablePoint)
    {
        var points = new Dictionary<SeriesKey, MetricPoint>();
        if (canaryPoint is not null)
        {
            points[new SeriesKey("staging", "support-chat", "1.1.0")] = canaryPoint;
        }

        if (stablePoint is not null)
        {
            points[new SeriesKey("staging", "support-chat", "1.0.0")] = stablePoint;
        }

        return new LiveSecond(at, points);
    }

    /// <summary>A second's figures: 10 input and 20 output tokens a request.</summary>
    private static MetricPoint Point(DateTime at, long requests, long errors, double latencyMs) =>
        new(at, requests, errors, (double)errors / requests, latencyMs, latencyMs, latencyMs, latencyMs, latencyMs, 10 * requests, 20 * requests);

    private static DateTime WholeSecond(DateTime at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static long Ms(DateTime at) => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
}
