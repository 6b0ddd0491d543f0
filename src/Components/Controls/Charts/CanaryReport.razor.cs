using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Controls.Charts;

/// <summary>
/// A deployment's canary report as live charts (<see cref="CanaryMetric.All"/>): the new version and the stable one on
/// the same axes. The history since the deployment began is loaded once (<see cref="SeriesHistory"/>); after that each
/// new second comes from the shared <see cref="LiveFeed"/> as a delta, and each new event or verdict of
/// <see cref="Deployment"/> as a mark — the charts are never re-created. A finished deployment is drawn up to
/// <see cref="Tail"/> after it ended, from the feed while it still holds those seconds, else from the minute rollups.
/// </summary>
public sealed partial class CanaryReport : IAsyncDisposable
{
    /// <summary>How long after a deployment ends its charts go on: the stable version's recovery after a rollback.</summary>
    public static readonly TimeSpan Tail = TimeSpan.FromSeconds(60);

    // Distinct from every mark colour (shift blue, pass green, fail red, insufficient orange), readable light and dark.
    private const string NewColour = "#ab47bc";
    private const string StableColour = "#26a69a";

    /// <summary>Seconds kept while the charts are not rendered yet; older ones are in the history already.</summary>
    private const int MaxBufferedSeconds = 30;

    private readonly TimeSeriesChart?[] _charts = new TimeSeriesChart?[CanaryMetric.All.Count];
    private readonly HashSet<string> _sentMarks = [];
    private readonly Queue<LiveSecond> _buffered = new();

    /// <summary>Whether the new (0) and the stable (1) version have had a request on the charts yet.</summary>
    private readonly bool[] _served = new bool[2];
    private IReadOnlyList<ChartPoint>[] _initial = [];
    private IReadOnlyList<ChartMark> _initialMarks = [];
    private IReadOnlyList<ChartSeries> _series = [];
    private SeriesKey _target;
    private SeriesKey? _stable;
    private LiveFeedFollower? _follower;
    private DeploymentInfo? _marked;
    private bool _loaded;
    private bool _disposed;

    [Inject]
    public required SeriesHistory History { get; init; }

    [Inject]
    public required LiveFeed Feed { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    /// <summary>The deployment as last read; a newer read with new events or verdicts adds their marks.</summary>
    [Parameter, EditorRequired]
    public required DeploymentInfo Deployment { get; set; }

    /// <summary>The judgement whose relative limits (against the stable version) are drawn; absolute limits come from the guard rules.</summary>
    [Parameter]
    public IReadOnlyList<MetricCheck> Checks { get; set; } = [];

    /// <summary>Which window <see cref="Checks"/> judged, in the relative lines' labels ("this step", "verdict 7").</summary>
    [Parameter]
    public string ChecksWindow { get; set; } = "this step";

    /// <summary>The last moment drawn: <see cref="Tail"/> after the deployment ended; null while it runs.</summary>
    private DateTime? End => Deployment.FinishedAt is { } finished ? finished + Tail : null;

    protected override async Task OnInitializedAsync()
    {
        var d = Deployment;
        _target = new SeriesKey(d.Environment, d.Model, d.ToVersion);
        _stable = d.FromVersion is { } stableVersion ? new SeriesKey(d.Environment, d.Model, stableVersion) : null;
        _series = _stable is null
            ? [new ChartSeries($"{d.ToVersion} (new)", NewColour)]
            : [new ChartSeries($"{d.ToVersion} (new)", NewColour), new ChartSeries($"{d.FromVersion} (stable)", StableColour)];

        var now = Clock.GetUtcNow().UtcDateTime;
        // Following starts before the history is read, so no second falls between the two (the chart keeps one point a second).
        if (End is not { } end || end > now)
        {
            _follower = LiveFeedFollower.Start(Feed, second => InvokeAsync(() => OnSecondAsync(second)), DispatchExceptionAsync);
        }

        var target = await LoadAsync(_target, now);
        var baseline = _stable is { } key ? await LoadAsync(key, now) : [];
        HashSet<DateTime> busy = [.. target.Concat(baseline).Where(h => h.Point.Requests > 0).Select(h => h.Point.Timestamp)];
        _initial = [.. CanaryMetric.All.Select(m => (IReadOnlyList<ChartPoint>)[.. Points(m, 0, target, busy), .. Points(m, 1, baseline, busy)])];
        _served[0] = target.Any(h => h.Point.Requests > 0);
        _served[1] = baseline.Any(h => h.Point.Requests > 0);

        var marks = CanaryMarks.Of(d);
        _initialMarks = [.. marks.Select(m => m.Mark)];
        _sentMarks.UnionWith(marks.Select(m => m.Key));
        _marked = d;
        _loaded = true;
    }

    protected override async Task OnParametersSetAsync()
    {
        if (!_loaded || ReferenceEquals(Deployment, _marked))
        {
            return;
        }

        _marked = Deployment;
        var fresh = CanaryMarks.Of(Deployment).Where(m => _sentMarks.Add(m.Key)).Select(m => m.Mark).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        if (_charts[0] is null)
        {
            // Not rendered yet: the charts are created with these.
            _initialMarks = [.. _initialMarks, .. fresh];
            return;
        }

        foreach (var chart in _charts)
        {
            await chart!.AnnotateAsync(fresh);
        }
    }

    /// <summary>The deployment's history: the minute rollups once the feed no longer holds its end, else the feed's seconds (and rollups before them).</summary>
    private async Task<IReadOnlyList<HistoryPoint>> LoadAsync(SeriesKey series, DateTime now)
    {
        var from = Deployment.CreatedAt;
        if (End is { } end && end < now.AddSeconds(-LiveFeed.RetainedSeconds))
        {
            return await History.RangeAsync(series, from, end, 60);
        }

        var points = await History.SinceAsync(series, from);
        return End is { } last ? [.. points.Where(p => p.Point.Timestamp <= last)] : points;
    }

    private static IEnumerable<ChartPoint> Points(CanaryMetric metric, int series, IReadOnlyList<HistoryPoint> history, HashSet<DateTime> busy)
    {
        var served = false;
        foreach (var h in history)
        {
            if (PointOf(metric, series, h.Point, h.Seconds, gap: !served || !busy.Contains(h.Point.Timestamp)) is { } point)
            {
                yield return point;
            }

            served |= h.Point.Requests > 0;
        }
    }

    /// <summary>
    /// The chart point of a version's second (or minute). Without requests a ratio has no value. It is a gap (null)
    /// before the version's first request and in a second when neither version served: the time axis then still spans
    /// the whole deployment up to now, so its marks stay on the chart. In a second only the other version served, the
    /// point is left out and the line joins the seconds that were measured: a 10% canary would otherwise be drawn as
    /// scattered single seconds, which a line without markers does not show.
    /// </summary>
    private static ChartPoint? PointOf(CanaryMetric metric, int series, MetricPoint point, int seconds, bool gap) =>
        metric.Value(point, seconds) is { } value ? new ChartPoint(series, point.Timestamp, value)
        : gap ? new ChartPoint(series, point.Timestamp, null)
        : null;

    private async Task OnSecondAsync(LiveSecond second)
    {
        if (_disposed || (End is { } end && second.At > end))
        {
            return;
        }

        _buffered.Enqueue(second);
        if (_charts[0] is null)
        {
            while (_buffered.Count > MaxBufferedSeconds)
            {
                _buffered.Dequeue();
            }

            return;
        }

        var seconds = _buffered.ToList();
        _buffered.Clear();
        var points = CanaryMetric.All.Select(_ => new List<ChartPoint>(seconds.Count * 2)).ToList();
        foreach (var s in seconds)
        {
            Add(points, 0, s, _target);
            if (_stable is { } stable)
            {
                Add(points, 1, s, stable);
            }
        }

        for (var i = 0; i < CanaryMetric.All.Count; i++)
        {
            await _charts[i]!.AppendAsync(points[i]);
        }
    }

    private void Add(List<List<ChartPoint>> points, int series, LiveSecond second, SeriesKey key)
    {
        var point = second.For(key) ?? new MetricPoint(second.At, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var idle = second.For(_target) is null && (_stable is not { } stable || second.For(stable) is null);
        for (var i = 0; i < CanaryMetric.All.Count; i++)
        {
            if (PointOf(CanaryMetric.All[i], series, point, 1, gap: !_served[series] || idle) is { } chartPoint)
            {
                points[i].Add(chartPoint);
            }
        }

        _served[series] |= point.Requests > 0;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_follower is not null)
        {
            await _follower.DisposeAsync();
        }
    }
}
