using System.Globalization;
using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Pages.Metrics;

/// <summary>
/// Each version's figures per environment over the last <see cref="WindowSeconds"/>, summarised from the in-memory
/// windows once a second (no database read): the versions <see cref="Routes"/> send traffic to, and any other version
/// of the model with traffic measured.
/// </summary>
public sealed partial class MetricsTable
{
    private PeriodicRefresh? _refresh;
    private IReadOnlyList<Row> _rows = [];
    private DateTime _updatedAt;

    [Parameter]
    public string? Model { get; set; }

    /// <summary>The model's routes, as the page last read them (it re-reads them when the change notifier says so).</summary>
    [Parameter]
    public IReadOnlyList<RouteInfo> Routes { get; set; } = [];

    [Parameter]
    public int WindowSeconds { get; set; } = 60;

    [Inject]
    public required IMetricsReader Metrics { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    protected override void OnInitialized() =>
        _refresh = PeriodicRefresh.Start(TimeSpan.FromSeconds(1), Clock, () => InvokeAsync(() =>
        {
            Summarize();
            StateHasChanged();
        }));

    protected override void OnParametersSet() => Summarize();

    private void Summarize()
    {
        _updatedAt = Clock.GetUtcNow().UtcDateTime;
        if (Model is null)
        {
            _rows = [];
            return;
        }

        var window = TimeSpan.FromSeconds(WindowSeconds);
        var series = Routes.SelectMany(r => r.Splits.Select(s => new SeriesKey(r.Environment, r.Model, s.Version)))
            .Concat(Metrics.ActiveSeries.Where(s => s.Model == Model))
            .Distinct();
        _rows = [.. series
            .Select(key => new Row(Metrics.Summarize(key, window), Routes.FirstOrDefault(r => r.Environment == key.Environment)?.Splits.FirstOrDefault(s => s.Version == key.Version)?.Weight))
            .Where(r => r.Summary.Requests > 0 || r.Weight is not null)
            .OrderBy(r => r.Summary.Environment == "production" ? 1 : 0)
            .ThenBy(r => r.Summary.Environment, StringComparer.Ordinal)
            .ThenByDescending(r => r.Summary.Version, SemanticVersion.Precedence)];
    }

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "—";

    private static int Percent(double rate) => double.IsFinite(rate) ? (int)Math.Round(Math.Clamp(rate, 0, 1) * 100) : 0;

    private static string ErrorColour(double rate) => rate > 0.1 ? "error" : rate > 0.02 ? "warning" : "success";

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }

    private sealed record Row(MetricsSummary Summary, int? Weight);
}
