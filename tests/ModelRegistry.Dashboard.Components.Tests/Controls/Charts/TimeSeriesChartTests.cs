using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using MudBlazor.Services;

namespace ModelRegistry.Dashboard.Components.Tests.Controls.Charts;

/// <summary>
/// The chart control's contract with its ES module (wwwroot/js/timeSeriesChart.js): the chart is created once with its
/// snapshot, then only fed — deltas at most once a second per chart, marks, thresholds and theme — and destroyed with
/// the page. Time is a <see cref="FakeTimeProvider"/>: the throttle's timer fires only when the test advances it.
/// </summary>
public sealed class TimeSeriesChartTests : BunitContext
{
    private static readonly DateTime T0 = new(2031, 5, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly IReadOnlyList<ChartSeries> TwoSeries = [new("stable", "#1e88e5"), new("canary", "#e53935")];
    private static readonly IReadOnlyList<ChartPoint> Snapshot = [new(0, T0, 4), new(1, T0, 1), new(0, T0.AddSeconds(1), 5), new(1, T0.AddSeconds(1), null)];

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(T0.AddSeconds(2)));
    private readonly BunitJSModuleInterop _module;

    public TimeSeriesChartTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose; // MudBlazor's own calls; the chart module below is strict.
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddSingleton<TimeProvider>(_clock);
        _module = JSInterop.SetupModule("./" + TimeSeriesChart.ModulePath);
        _module.Mode = JSRuntimeMode.Strict;
        foreach (var identifier in new[] { "create", "append", "annotate", "thresholds", "theme", "destroy" })
        {
            _module.SetupVoid(identifier, _ => true).SetVoidResult();
        }
    }

    [Fact]
    public async Task The_chart_is_created_once_with_the_snapshot_and_never_again_on_a_parent_rerender_or_a_live_update()
    {
        var cut = RenderChart(dark: false, thresholds: []);
        var config = CreatedConfig(cut);

        Assert.Equal(["stable", "canary"], config.Series.Select(s => s.Name));
        Assert.Equal(Snapshot.Select(WirePoint.From), config.Points);
        Assert.False(config.Dark);

        for (var i = 0; i < 3; i++)
        {
            RenderChart(cut, dark: false, thresholds: []);
            await Append(cut, new ChartPoint(0, T0.AddSeconds(2 + i), 6 + i));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        cut.WaitForAssertion(() => Assert.Equal(3, _module.Invocations["append"].Count));
        Assert.Single(_module.Invocations["create"]);
        Assert.Single(JSInterop.Invocations["import"]);
    }

    [Fact]
    public async Task An_append_sends_only_the_new_points_under_the_chart_id()
    {
        var cut = RenderChart(dark: false, thresholds: []);
        var config = CreatedConfig(cut);
        _clock.Advance(TimeSpan.FromSeconds(2));

        ChartPoint[] delta = [new(0, T0.AddSeconds(2), 7), new(1, T0.AddSeconds(2), 2)];
        await Append(cut, delta);

        var append = Assert.Single(_module.Invocations["append"]);
        Assert.Equal(config.Id, append.Arguments[0]);
        Assert.Equal(delta.Select(WirePoint.From), Sent.Of<WirePoint[]>(append.Arguments[1]));
    }

    [Fact]
    public async Task Points_arriving_within_a_second_of_the_last_update_go_out_together_in_the_next_slot()
    {
        var cut = RenderChart(dark: false, thresholds: []);
        CreatedConfig(cut);

        // The snapshot went out just now (create): these three wait for the next slot, one second after it.
        await Append(cut, new ChartPoint(0, T0.AddSeconds(2), 1));
        _clock.Advance(TimeSpan.FromMilliseconds(400));
        await Append(cut, new ChartPoint(0, T0.AddSeconds(3), 2));
        _clock.Advance(TimeSpan.FromMilliseconds(599));
        await Append(cut, new ChartPoint(0, T0.AddSeconds(4), 3));
        Assert.Empty(_module.Invocations["append"]);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        cut.WaitForAssertion(() => Assert.Single(_module.Invocations["append"]));
        Assert.Equal([1d, 2d, 3d], SentValues(_module.Invocations["append"][0]));

        // The next point waits a full second after that update, then goes out alone.
        await Append(cut, new ChartPoint(0, T0.AddSeconds(5), 4));
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(_module.Invocations["append"]);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        cut.WaitForAssertion(() => Assert.Equal(2, _module.Invocations["append"].Count));
        Assert.Equal([4d], SentValues(_module.Invocations["append"][1]));
    }

    [Fact]
    public async Task Marks_are_sent_through_annotate()
    {
        var cut = RenderChart(dark: false, thresholds: []);
        var config = CreatedConfig(cut);

        var rollback = new ChartMark(T0.AddSeconds(30), "rollback", ChartMarkKind.Rollback, "error rate 12% > 5%");
        await cut.InvokeAsync(() => Chart(cut).AnnotateAsync([rollback]));

        var annotate = Assert.Single(_module.Invocations["annotate"]);
        Assert.Equal(config.Id, annotate.Arguments[0]);
        var sent = Assert.Single(Sent.Of<WireMark[]>(annotate.Arguments[1]));
        Assert.Equal(("rollback", "rollback", "error rate 12% > 5%"), (sent.Label, sent.Kind, sent.Detail));
        Assert.Single(_module.Invocations["create"]);
    }

    [Fact]
    public void Thresholds_are_redrawn_when_the_parameter_changes_and_only_then()
    {
        IReadOnlyList<ChartThreshold> limit = [new(5, "error rate ≤ 5%")];
        var cut = RenderChart(dark: false, thresholds: limit);
        var config = CreatedConfig(cut);
        Assert.Equal([new WireThreshold(5, "error rate ≤ 5%")], config.Thresholds);

        RenderChart(cut, dark: false, thresholds: [new(5, "error rate ≤ 5%")]);
        Assert.Empty(_module.Invocations["thresholds"]);

        RenderChart(cut, dark: false, thresholds: [new(2, "error rate ≤ 2%")]);

        var redraw = Assert.Single(_module.Invocations["thresholds"]);
        Assert.Equal(config.Id, redraw.Arguments[0]);
        Assert.Equal([new WireThreshold(2, "error rate ≤ 2%")], Sent.Of<WireThreshold[]>(redraw.Arguments[1]));
        Assert.Single(_module.Invocations["create"]);
    }

    [Fact]
    public void A_dark_mode_change_cascaded_from_the_layout_rethemes_the_chart()
    {
        var cut = RenderChart(dark: false, thresholds: []);
        var config = CreatedConfig(cut);

        RenderChart(cut, dark: true, thresholds: []);

        var theme = Assert.Single(_module.Invocations["theme"]);
        Assert.Equal([config.Id, true], theme.Arguments);
        Assert.Single(_module.Invocations["create"]);
    }

    [Fact]
    public async Task Disposing_the_chart_destroys_it_in_the_browser()
    {
        var cut = RenderChart(dark: false, thresholds: []);
        var config = CreatedConfig(cut);

        await DisposeComponentsAsync();

        var destroy = Assert.Single(_module.Invocations["destroy"]);
        Assert.Equal([config.Id], destroy.Arguments);
    }

    [Fact]
    public void Show_as_table_lists_the_chart_s_points_newest_first_with_units_and_show_as_chart_goes_back()
    {
        var newestFirst = new[] { new WireRow(WirePoint.UnixMs(T0.AddSeconds(1)), [5, null]), new WireRow(WirePoint.UnixMs(T0), [4, 1]) };
        _module.Setup<WireRow[]>("rows", _ => true).SetResult(newestFirst);
        var cut = RenderChart(dark: false, thresholds: []);
        CreatedConfig(cut);
        var toggle = cut.Find("[data-testid=chart-table-toggle]");
        Assert.Equal("false", toggle.GetAttribute("aria-pressed"));
        Assert.Contains("Show as table", toggle.TextContent, StringComparison.Ordinal);

        toggle.Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=chart-table] tbody tr").Count));
        var rows = cut.FindAll("[data-testid=chart-table] tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal(["12:00:01 UTC", "5.0%", "—"], rows[0]);
        Assert.Equal(["12:00:00 UTC", "4.0%", "1.0%"], rows[1]);
        Assert.Equal(["Time", "stable", "canary"], cut.FindAll("[data-testid=chart-table] thead th").Select(h => h.TextContent.Trim()));
        Assert.True(cut.Find(".tsc-canvas").HasAttribute("hidden"));
        Assert.Equal("true", cut.Find("[data-testid=chart-table-toggle]").GetAttribute("aria-pressed"));

        cut.Find("[data-testid=chart-table-toggle]").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=chart-table]")));
        Assert.False(cut.Find(".tsc-canvas").HasAttribute("hidden"));
        Assert.Single(_module.Invocations["create"]);
    }

    private IRenderedComponent<CascadingValue<bool>> RenderChart(bool dark, IReadOnlyList<ChartThreshold> thresholds) =>
        Render<CascadingValue<bool>>(p => Parameters(p, dark, thresholds));

    /// <summary>The parent renders again (as a page does on every change), with the same or new parameters.</summary>
    private static void RenderChart(IRenderedComponent<CascadingValue<bool>> cut, bool dark, IReadOnlyList<ChartThreshold> thresholds) =>
        cut.Render(p => Parameters(p, dark, thresholds));

    private static void Parameters(ComponentParameterCollectionBuilder<CascadingValue<bool>> p, bool dark, IReadOnlyList<ChartThreshold> thresholds) => p
        .Add(c => c.Name, "DarkMode")
        .Add(c => c.Value, dark)
        .AddChildContent<TimeSeriesChart>(chart => chart
            .Add(c => c.TestId, "chart")
            .Add(c => c.Title, "Error rate")
            .Add(c => c.Unit, ChartUnit.Percent)
            .Add(c => c.Series, TwoSeries)
            .Add(c => c.InitialPoints, Snapshot)
            .Add(c => c.Thresholds, thresholds));

    private static TimeSeriesChart Chart(IRenderedComponent<CascadingValue<bool>> cut) => cut.FindComponent<TimeSeriesChart>().Instance;

    private static Task Append(IRenderedComponent<CascadingValue<bool>> cut, params ChartPoint[] points) =>
        cut.InvokeAsync(() => Chart(cut).AppendAsync(points));

    private ChartConfig CreatedConfig(IRenderedComponent<CascadingValue<bool>> cut)
    {
        cut.WaitForAssertion(() => Assert.Single(_module.Invocations["create"]));
        return Sent.Of<ChartConfig>(_module.Invocations["create"][0].Arguments[1]);
    }

    private static double?[] SentValues(JSRuntimeInvocation append) =>
        [.. Sent.Of<WirePoint[]>(append.Arguments[1]).Select(p => p.Y)];
}
