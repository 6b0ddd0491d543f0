using System.Globalization;
using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Controls.Sparklines;

/// <summary>
/// Two sparklines — requests per second and error rate over the last 15 minutes — of one version of a model in an
/// environment, or of all its versions there summed, each with its value now beside it. The snapshot is read once from
/// <see cref="LiveFeed.Recent"/>; later seconds arrive through the page's <see cref="SparklineGroup"/>. No database
/// query, at load or per second.
/// </summary>
/// <remarks>
/// A point covers <see cref="BucketSeconds"/> seconds: 180 points over 15 minutes instead of 900 keep a page of sixty
/// sparklines cheap to redraw in the browser, and the line still moves every second — the newest point is re-sent with
/// the same time as its bucket fills, and the chart replaces it.
/// </remarks>
public sealed partial class TrafficSparklines : IDisposable
{
    /// <summary>How many of the newest seconds the value "now" averages: one second alone jumps too much to read.</summary>
    internal const int NowSeconds = 10;

    /// <summary>The seconds one point of the sparklines covers.</summary>
    internal const int BucketSeconds = 5;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(LiveFeed.RetainedSeconds);
    private static readonly IReadOnlyList<ChartSeries> RequestSeries = [new("Requests/s", "#1e88e5")];
    private static readonly IReadOnlyList<ChartSeries> ErrorSeries = [new("Error rate", "#e53935")];

    private readonly Queue<(long Requests, long Errors)> _newest = new();
    private TimeSeriesChart? _requestsChart;
    private TimeSeriesChart? _errorsChart;
    private List<ChartPoint> _requestPoints = [];
    private List<ChartPoint> _errorPoints = [];
    private DateTime _lastSecond;
    private DateTime _bucketStart;
    private long _bucketRequests;
    private long _bucketErrors;

    [Inject]
    public required LiveFeed Feed { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    [CascadingParameter]
    public required SparklineGroup Group { get; set; }

    /// <summary>Prefix of the <c>data-testid</c>s (the charts are <c>{TestId}-requests</c> and <c>{TestId}-errors</c>).</summary>
    [Parameter, EditorRequired]
    public required string TestId { get; set; }

    /// <summary>What the sparklines are of, for their accessible names ("support-chat 1.0.0 in staging").</summary>
    [Parameter, EditorRequired]
    public required string Label { get; set; }

    [Parameter, EditorRequired]
    public required string Environment { get; set; }

    [Parameter, EditorRequired]
    public required string Model { get; set; }

    /// <summary>One version; null sums every version of <see cref="Model"/> in <see cref="Environment"/>.</summary>
    [Parameter]
    public string? Version { get; set; }

    private double RequestsNow => _newest.Count == 0 ? 0 : (double)_newest.Sum(s => s.Requests) / _newest.Count;

    private double ErrorsNow => _newest.Sum(s => s.Requests) is var requests and > 0 ? 100.0 * _newest.Sum(s => s.Errors) / requests : 0;

    private string RequestsNowText => RequestsNow.ToString("0.0", CultureInfo.InvariantCulture) + "/s";

    private string ErrorsNowText => ErrorsNow.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    protected override void OnInitialized()
    {
        foreach (var second in Feed.Recent(Clock.GetUtcNow().UtcDateTime - Window))
        {
            Add(second, _requestPoints, _errorPoints);
        }

        Group.Join(this);
    }

    /// <summary>A new second of the feed: appended to both sparklines as a delta, and the value now updated.</summary>
    internal async Task AppendAsync(LiveSecond second)
    {
        if (second.At <= _lastSecond)
        {
            return;
        }

        List<ChartPoint> requests = [];
        List<ChartPoint> errors = [];
        Add(second, requests, errors);
        await (_requestsChart?.AppendAsync(requests) ?? Task.CompletedTask);
        await (_errorsChart?.AppendAsync(errors) ?? Task.CompletedTask);
        StateHasChanged();
    }

    private void Add(LiveSecond second, List<ChartPoint> requests, List<ChartPoint> errors)
    {
        long requestCount = 0, errorCount = 0;
        foreach (var (key, point) in second.Points)
        {
            if (key.Environment == Environment && key.Model == Model && (Version is null || key.Version == Version))
            {
                requestCount += point.Requests;
                errorCount += point.Errors;
            }
        }

        var bucketStart = new DateTime(second.At.Ticks - (second.At.Ticks % (BucketSeconds * TimeSpan.TicksPerSecond)), DateTimeKind.Utc);
        if (bucketStart != _bucketStart)
        {
            (_bucketStart, _bucketRequests, _bucketErrors) = (bucketStart, 0, 0);
        }

        _bucketRequests += requestCount;
        _bucketErrors += errorCount;

        // The rate over the bucket's seconds so far; a bucket without traffic reads 0 requests and 0% errors, so the line
        // goes on rather than breaking. A point for a bucket already drawn replaces it.
        var elapsed = (second.At - bucketStart).TotalSeconds + 1;
        if (requests.Count > 0 && requests[^1].At == bucketStart)
        {
            requests.RemoveAt(requests.Count - 1);
            errors.RemoveAt(errors.Count - 1);
        }

        requests.Add(new ChartPoint(0, bucketStart, _bucketRequests / elapsed));
        errors.Add(new ChartPoint(0, bucketStart, _bucketRequests == 0 ? 0 : 100.0 * _bucketErrors / _bucketRequests));
        _lastSecond = second.At;
        _newest.Enqueue((requestCount, errorCount));
        while (_newest.Count > NowSeconds)
        {
            _newest.Dequeue();
        }
    }

    public void Dispose() => Group.Leave(this);
}
