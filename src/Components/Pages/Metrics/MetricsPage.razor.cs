using System.Globalization;
using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Pages.Metrics;

/// <summary>
/// One model's metrics: per-version charts for one environment over a live or a history range, marked with its
/// deployments and alert firings, and below them each version's figures per environment. The charts load a snapshot
/// once per range and then follow the shared <see cref="LiveFeed"/>; the table (<see cref="MetricsTable"/>) re-summarises
/// the in-memory windows once a second and re-renders alone; the routes and marks are re-read only when the change
/// notifier says they changed. The page itself renders only when the operator picks something or the routes change.
/// </summary>
public sealed partial class MetricsPage
{
    private static readonly string[] Colours = ["#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#6d4c41", "#546e7a"];

    private readonly Dictionary<string, TimeSeriesChart> _charts = [];
    private readonly List<LiveSecond> _backlog = [];
    private readonly HashSet<string> _markKeys = [];
    private readonly List<ChartMark> _marks = [];
    private LiveFeedFollower? _follower;
    private MetricsMarks? _markSource;
    private MetricsSnapshot? _snapshot;
    private string? _chartsKey;
    private bool _loading;
    private DateTime _loadedAt;
    private IReadOnlyList<string> _models = [];
    private IReadOnlyList<RouteInfo> _routes = [];
    private string? _model;
    private string? _environment;
    private string? _compareA;
    private string? _compareB;
    private MetricsRange _range = MetricsRange.Default;
    private bool _shown;

    [Parameter]
    public string? Model { get; set; }

    /// <summary>The environment charted (<c>?environment=staging</c>); the first one the model is served in by default.</summary>
    [SupplyParameterFromQuery(Name = "environment")]
    public string? EnvironmentQuery { get; set; }

    /// <summary>The range (<c>?range=1h</c>): 1m, 5m, 15m (live) or 1h, 24h, 7d (history).</summary>
    [SupplyParameterFromQuery(Name = "range")]
    public string? RangeQuery { get; set; }

    [Inject]
    public required IMetricsReader Metrics { get; init; }

    [Inject]
    public required RouteService Routes { get; init; }

    [Inject]
    public required LiveFeed Feed { get; init; }

    [Inject]
    public required SeriesHistory History { get; init; }

    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required AlertService Alerts { get; init; }

    /// <summary>The environments of the model: where it is routed or has traffic, staging before production.</summary>
    private IReadOnlyList<string> Environments =>
        [.. _routes.Select(r => r.Environment).Concat(Metrics.ActiveSeries.Where(s => s.Model == _model).Select(s => s.Environment))
            .Distinct().OrderBy(e => e == "production" ? 1 : 0).ThenBy(e => e, StringComparer.Ordinal)];

    /// <summary>Every version of the chosen environment: routed there or with traffic measured, newest first.</summary>
    private IReadOnlyList<string> EnvironmentVersions =>
        _model is null || _environment is null ? [] :
        [.. _routes.Where(r => r.Environment == _environment).SelectMany(r => r.Splits.Select(s => s.Version))
            .Concat(Metrics.ActiveSeries.Where(s => s.Model == _model && s.Environment == _environment).Select(s => s.Version))
            .Distinct().OrderByDescending(v => v, SemanticVersion.Precedence)];

    /// <summary>The versions charted: the two picked to compare, or every version of the environment.</summary>
    private IReadOnlyList<SeriesKey> ChartedVersions
    {
        get
        {
            var all = EnvironmentVersions;
            var picked = new[] { _compareA, _compareB }.OfType<string>().Where(all.Contains).Distinct().ToList();
            return [.. (picked.Count > 0 ? picked : all).Select(v => new SeriesKey(_environment!, _model!, v))];
        }
    }

    private IReadOnlyList<ChartSeries> ChartSeries =>
        [.. (_snapshot?.Versions ?? []).Select((k, i) => new ChartSeries(k.Version, Colours[i % Colours.Length]))];

    protected override bool IsRelevant(Change change) =>
        change.Kind is ChangeKind.RouteChanged or ChangeKind.DeploymentChanged or ChangeKind.AlertChanged && change.Model == _model;

    protected override async Task OnChangesAsync(IReadOnlyList<Change> changes)
    {
        if (changes.Any(c => c.Kind == ChangeKind.RouteChanged))
        {
            _routes = await Routes.ListAsync(model: _model);
            if (!ChartedVersions.SequenceEqual(_snapshot?.Versions ?? []))
            {
                await LoadChartsAsync();
                return;
            }
        }

        if (changes.Any(c => c.Environment == _environment && c.Kind is ChangeKind.DeploymentChanged or ChangeKind.AlertChanged))
        {
            await AddNewMarksAsync();
        }
    }

    protected override async Task OnInitializedAsync()
    {
        _markSource = new MetricsMarks(Deployments, Alerts);
        var routes = await Routes.ListAsync();
        _models = [.. routes.Select(r => r.Model).Concat(Metrics.ActiveSeries.Select(s => s.Model)).Distinct().Order(StringComparer.Ordinal)];
        _follower = LiveFeedFollower.Start(Feed, second => InvokeAsync(() => OnSecondAsync(second)), DispatchExceptionAsync);
    }

    /// <summary>The router reuses this page for another model's address (back/forward): follow the new <see cref="Model"/>.</summary>
    protected override async Task OnParametersSetAsync()
    {
        var model = Model ?? _model ?? (_models.Count > 0 ? _models[0] : null);
        if (model != _model || !_shown)
        {
            _shown = true;
            _range = MetricsRange.Find(RangeQuery ?? _range.Key);
            await SelectModelAsync(model, EnvironmentQuery);
        }
    }

    private async Task SelectModelAsync(string? model, string? environment)
    {
        _model = model;
        _routes = model is null ? [] : await Routes.ListAsync(model: model);
        var environments = Environments;
        _environment = environment is not null && environments.Contains(environment) ? environment : environments.Count > 0 ? environments[0] : null;
        (_compareA, _compareB) = (null, null);
        await LoadChartsAsync();
    }

    private Task OnModelChanged(string? model) => SelectModelAsync(model, null);

    private Task OnEnvironmentChanged(string? environment)
    {
        _environment = environment;
        (_compareA, _compareB) = (null, null);
        return LoadChartsAsync();
    }

    private Task OnRangeChanged(string key)
    {
        _range = MetricsRange.Find(key);
        return LoadChartsAsync();
    }

    private Task OnCompareAChanged(string? version)
    {
        _compareA = version;
        return LoadChartsAsync();
    }

    private Task OnCompareBChanged(string? version)
    {
        _compareB = version;
        return LoadChartsAsync();
    }

    /// <summary>
    /// Loads the range's snapshot and marks once. The same versions keep their charts (a reset); other versions get new
    /// charts (their legend differs). Seconds arriving meanwhile are kept and added after the snapshot.
    /// </summary>
    private async Task LoadChartsAsync()
    {
        var versions = ChartedVersions;
        var now = Clock.GetUtcNow().UtcDateTime;
        _loading = true;
        try
        {
            var snapshot = await MetricsSnapshot.LoadAsync(History, versions, _range, now);
            var marks = _model is null || _environment is null ? [] : await _markSource!.LoadAsync(_model, _environment, now - _range.Span);
            if (_range.Live)
            {
                snapshot.Add(_backlog);
            }

            _snapshot = snapshot;
            _loadedAt = now;
            _markKeys.Clear();
            _markKeys.UnionWith(marks.Select(m => m.Key));
            _marks.Clear();
            _marks.AddRange(marks.Select(m => m.Mark));
        }
        finally
        {
            _loading = false;
            _backlog.Clear();
        }

        var chartsKey = $"{_model}|{_environment}|{string.Join(',', versions.Select(v => v.Version))}";
        if (chartsKey == _chartsKey)
        {
            var snapshot = _snapshot;
            await Task.WhenAll(MetricsChartKind.All
                .Select(kind => _charts.TryGetValue(kind.TestId, out var chart) ? chart.ResetAsync(snapshot[kind], _marks, _range.Span) : Task.CompletedTask));
        }

        // A new key re-creates the charts with this snapshot as their initial points.
        _chartsKey = chartsKey;
    }

    private async Task OnSecondAsync(LiveSecond second)
    {
        if (_loading)
        {
            _backlog.Add(second);
            return;
        }

        if (_snapshot is null)
        {
            return;
        }

        if (!_range.Live)
        {
            // History moves by whole minutes: reload the range once the next one has completed.
            if (second.At >= new DateTime(_loadedAt.Ticks - (_loadedAt.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc).AddMinutes(1))
            {
                await LoadChartsAsync();
            }

            return;
        }

        // The charts' updates go out together: one after another, five round trips a second fall behind a slow browser.
        await Task.WhenAll(_snapshot.Points(second)
            .Select(p => _charts.TryGetValue(p.Kind.TestId, out var chart) ? chart.AppendAsync(p.Points) : Task.CompletedTask));
    }

    private async Task AddNewMarksAsync()
    {
        if (_model is null || _environment is null)
        {
            return;
        }

        var loaded = await _markSource!.LoadAsync(_model, _environment, _loadedAt - _range.Span);
        var added = loaded.Where(m => _markKeys.Add(m.Key)).Select(m => m.Mark).ToList();
        if (added.Count == 0)
        {
            return;
        }

        _marks.AddRange(added);
        await Task.WhenAll(_charts.Values.Select(chart => chart.AnnotateAsync(added)));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        if (_follower is not null)
        {
            await _follower.DisposeAsync();
        }

        await base.DisposeAsyncCore();
    }
}
