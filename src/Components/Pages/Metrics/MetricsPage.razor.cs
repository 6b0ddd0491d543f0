using System.Globalization;
using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Pages.Metrics;

/// <summary>
/// Each version's live figures per environment for one model, refreshed once a second from the in-memory windows
/// (a <see cref="PeriodicTimer"/>, not a re-render per event).
/// </summary>
public sealed partial class MetricsPage
{
    private PeriodicRefresh? _refresh;
    private LiveFeedFollower? _follower;
    private TimeSeriesChart? _chart;
    private List<SeriesKey> _chartKeys = [];
    private List<ChartSeries> _chartSeries = [];
    private List<ChartPoint> _initial = [];
    private IReadOnlyList<string> _models = [];
    private List<Row> _rows = [];
    private string? _model;
    private int _windowSeconds = 60;
    private DateTime? _updatedAt;

    [Parameter]
    public string? Model { get; set; }

    [Inject]
    public required IMetricsReader Metrics { get; init; }

    [Inject]
    public required RouteService Routes { get; init; }

    [Inject]
    public required ModelService Models { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    [Inject]
    public required LiveFeed Feed { get; init; }

    protected override async Task OnInitializedAsync()
    {
        var routes = await Routes.ListAsync();
        _models = [.. routes.Select(r => r.Model).Concat(Metrics.ActiveSeries.Select(s => s.Model)).Distinct().Order(StringComparer.Ordinal)];
        _follower = LiveFeedFollower.Start(Feed, second => InvokeAsync(() => _chart?.AppendAsync(Points(second)) ?? Task.CompletedTask), DispatchExceptionAsync);
        _refresh = PeriodicRefresh.Start(TimeSpan.FromSeconds(1), Clock, () => InvokeAsync(async () =>
        {
            await RefreshAsync();
            StateHasChanged();
        }));
    }

    /// <summary>The router reuses this page for another model's address (back/forward): follow the new <see cref="Model"/>.</summary>
    protected override async Task OnParametersSetAsync()
    {
        var model = Model ?? _model ?? (_models.Count > 0 ? _models[0] : null);
        if (model != _model || _updatedAt is null)
        {
            _model = model;
            await RefreshAsync();
        }
    }

    private async Task RefreshAsync()
    {
        if (_model is null)
        {
            _rows = [];
            return;
        }

        var routes = await Routes.ListAsync(model: _model);
        var window = TimeSpan.FromSeconds(_windowSeconds);
        var series = routes.SelectMany(r => r.Splits.Select(s => new SeriesKey(r.Environment, r.Model, s.Version)))
            .Concat(Metrics.ActiveSeries.Where(s => s.Model == _model))
            .Distinct();
        _rows = [.. series
            .Select(key => new Row(Metrics.Summarize(key, window), routes.FirstOrDefault(r => r.Environment == key.Environment)?.Splits.FirstOrDefault(s => s.Version == key.Version)?.Weight))
            .Where(r => r.Summary.Requests > 0 || r.Weight is not null)
            .OrderBy(r => r.Summary.Environment == "production" ? 1 : 0)
            .ThenBy(r => r.Summary.Environment, StringComparer.Ordinal)
            .ThenByDescending(r => r.Summary.Version, SemanticVersion.Precedence)];
        _updatedAt = Clock.GetUtcNow().UtcDateTime;
        if (_chartKeys.Count == 0)
        {
            string[] colours = ["#1e88e5", "#e53935", "#43a047", "#fb8c00"];
            _chartKeys = [.. _rows.Select(r => r.Summary.Series).Take(4)];
            _chartSeries = [.. _chartKeys.Select((k, i) => new ChartSeries($"{k.Environment} {k.Version}", colours[i]))];
            _initial = [.. Feed.Recent(DateTime.UtcNow.AddMinutes(-5)).SelectMany(Points)];
        }
    }

    private List<ChartPoint> Points(LiveSecond second) =>
        [.. _chartKeys.Select((k, i) => new ChartPoint(i, second.At, second.For(k)?.Requests ?? 0))];

    private Task OnModelChanged(string? model)
    {
        _model = model;
        return RefreshAsync();
    }

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "—";

    public async ValueTask DisposeAsync()
    {
        if (_follower is not null)
        {
            await _follower.DisposeAsync();
        }

        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }

    private sealed record Row(MetricsSummary Summary, int? Weight);
}
