using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace ModelRegistry.Dashboard.Components.Controls.Charts;

/// <summary>
/// A live line chart over time on ApexCharts (npm <c>apexcharts</c> 4.7.0, loaded by <c>App.razor</c>). Blazor renders the
/// shell once; the chart is created in the browser with the first snapshot (<see cref="InitialPoints"/>), then fed
/// through <see cref="AppendAsync"/> with deltas — one interop call per chart at most once a second, never a full
/// re-render — and marked with <see cref="AnnotateAsync"/>. It follows the layout's dark mode, resizes with its
/// container, and offers its points as a table.
/// </summary>
public sealed partial class TimeSeriesChart : IAsyncDisposable
{
    /// <summary>The module that draws the charts (served from wwwroot, fingerprinted through the asset manifest).</summary>
    public const string ModulePath = "js/timeSeriesChart.js";

    /// <summary>The shortest time between two updates sent to the browser for one chart.</summary>
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(1);

    private const int TableRows = 300;

    private readonly string _id = $"tsc-{Guid.NewGuid():N}";
    private ChartDeltas? _deltas;
    private ElementReference _element;
    private IJSObjectReference? _module;
    private IReadOnlyList<ChartThreshold> _sentThresholds = [];
    private bool _created;
    private bool _dark;
    private bool _disposed;
    private bool _showTable;
    private bool _renderRequested;
    private string? _failure;
    private IReadOnlyList<WireRow> _rows = [];

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    /// <summary>Names the chart for tests and its table toggle (<c>data-testid</c>).</summary>
    [Parameter, EditorRequired]
    public required string TestId { get; set; }

    [Parameter]
    public string? Title { get; set; }

    [Parameter, EditorRequired]
    public required IReadOnlyList<ChartSeries> Series { get; set; }

    [Parameter]
    public ChartUnit Unit { get; set; } = ChartUnit.Count;

    /// <summary>The points the chart starts with (history); later points come through <see cref="AppendAsync"/>.</summary>
    [Parameter]
    public IReadOnlyList<ChartPoint> InitialPoints { get; set; } = [];

    /// <summary>The marks the chart starts with; later ones come through <see cref="AnnotateAsync"/>.</summary>
    [Parameter]
    public IReadOnlyList<ChartMark> InitialMarks { get; set; } = [];

    /// <summary>Limit lines; a changed list is redrawn.</summary>
    [Parameter]
    public IReadOnlyList<ChartThreshold> Thresholds { get; set; } = [];

    /// <summary>Keeps only the newest points within this window (a live range); null keeps every point.</summary>
    [Parameter]
    public TimeSpan? Window { get; set; }

    [Parameter]
    public int Height { get; set; } = 220;

    /// <summary>A small chart without axes, legend, marks or table (a sparkline in a card or a table row).</summary>
    [Parameter]
    public bool Sparkline { get; set; }

    [Parameter]
    public string? EmptyText { get; set; }

    [CascadingParameter(Name = "DarkMode")]
    public bool DarkMode { get; set; }

    private ChartDeltas Deltas => _deltas ??= new ChartDeltas(Clock, UpdateInterval);

    private string AriaLabel => $"{Title ?? "Chart"}: {string.Join(", ", Series.Select(s => s.Name))} over time";

    /// <summary>Queues new points; they reach the browser at once, or at the next update slot when one was sent less than a second ago.</summary>
    public Task AppendAsync(IReadOnlyList<ChartPoint> points)
    {
        if (points.Count == 0 || _disposed)
        {
            return Task.CompletedTask;
        }

        Deltas.AddPoints(points);
        return _created && Deltas.IsDueOrSchedule(() => InvokeAsync(FlushAsync)) ? FlushAsync() : Task.CompletedTask;
    }

    /// <summary>Adds vertical marks (a traffic shift, a verdict, a rollback…); before the chart exists they are drawn when it is created.</summary>
    public async Task AnnotateAsync(IReadOnlyList<ChartMark> marks)
    {
        if (marks.Count == 0 || _disposed)
        {
            return;
        }

        if (!_created || _module is null)
        {
            // A mark that arrives while the chart is still being created (its module loading) must not be lost.
            Deltas.AddMarks(marks);

            return;
        }

        await InvokeSafelyAsync("annotate", _id, ChartPayload.Of(marks.Select(WireMark.From).ToArray()));
    }

    /// <summary>Replaces every point and mark (a new range or another version picked); the chart itself is kept.</summary>
    public Task ResetAsync(IReadOnlyList<ChartPoint> points, IReadOnlyList<ChartMark> marks) => ResetAsync(points, marks, Window);

    /// <summary>Replaces every point and mark and the <see cref="Window"/> kept (a live range of another length, or a history range).</summary>
    public async Task ResetAsync(IReadOnlyList<ChartPoint> points, IReadOnlyList<ChartMark> marks, TimeSpan? window)
    {
        Deltas.Clear();
        InitialPoints = points;
        InitialMarks = marks;
        Window = window;
        if (_created && _module is not null && !_disposed)
        {
            await InvokeSafelyAsync("reset", _id, ChartPayload.Of(points.Select(WirePoint.From).ToArray()), ChartPayload.Of(marks.Select(WireMark.From).ToArray()), WindowMs(window));
            Deltas.Sent();
            await RefreshTableAsync();
        }
    }

    /// <summary>After the first render only the table view renders; the chart itself is updated through interop.</summary>
    protected override bool ShouldRender() => !_created || _showTable || _renderRequested;

    protected override async Task OnParametersSetAsync()
    {
        if (!_created || _module is null)
        {
            return;
        }

        if (DarkMode != _dark)
        {
            _dark = DarkMode;
            await InvokeSafelyAsync("theme", _id, _dark);
        }

        if (!Thresholds.SequenceEqual(_sentThresholds))
        {
            _sentThresholds = Thresholds;
            await InvokeSafelyAsync("thresholds", _id, ChartPayload.Of(Thresholds.Select(t => new WireThreshold(t.Value, t.Label)).ToArray()));
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        _renderRequested = false;
        if (!firstRender)
        {
            return;
        }

        try
        {
            await CreateAsync();
        }
        catch (JSException ex)
        {
            // A chart that cannot be drawn (a script blocked or missing) must not take the page down with it.
            _failure = ex.Message;
            _renderRequested = true;
            StateHasChanged();
        }
    }

    private async Task CreateAsync()
    {
        // "./": the import is resolved against the document's base, not the Blazor script's folder.
        _module = await JS.InvokeAsync<IJSObjectReference>("import", "./" + Assets[ModulePath]);
        if (_disposed)
        {
            return;
        }

        var (pendingPoints, pendingMarks) = Deltas.TakeAll();
        WirePoint[] points = [.. InitialPoints.Select(WirePoint.From), .. pendingPoints];
        WireMark[] marks = [.. InitialMarks.Select(WireMark.From), .. pendingMarks];

        _dark = DarkMode;
        _sentThresholds = Thresholds;
        var config = new ChartConfig(
            _id,
            Height,
            WireMark.JsName(Unit.ToString()),
            Sparkline,
            _dark,
            WindowMs(Window),
            EmptyText,
            [.. Series.Select(s => new WireSeries(s.Name, s.Colour))],
            points,
            marks,
            [.. Thresholds.Select(t => new WireThreshold(t.Value, t.Label))]);
        await _module.InvokeVoidAsync("create", _element, ChartPayload.Of(config));
        _created = true;
    }

    private async Task FlushAsync()
    {
        if (Deltas.TakePoints() is { } points)
        {
            await InvokeSafelyAsync("append", _id, ChartPayload.Of(points));
            await RefreshTableAsync();
        }
    }

    private async Task ToggleTableAsync()
    {
        _showTable = !_showTable;
        _renderRequested = true;
        await RefreshTableAsync();
    }

    private async Task RefreshTableAsync()
    {
        if (!_showTable || _module is null)
        {
            return;
        }

        try
        {
            _rows = await _module.InvokeAsync<WireRow[]>("rows", _id, TableRows);
        }
        catch (JSDisconnectedException)
        {
            return;
        }

        _renderRequested = true;
        StateHasChanged();
    }

    private async Task InvokeSafelyAsync(string identifier, params object?[] args)
    {
        try
        {
            await _module!.InvokeVoidAsync(identifier, args);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; the chart went with the page.
        }
        catch (TaskCanceledException)
        {
            // The circuit canceled the call: the page is closing (pending interop calls are canceled when a circuit
            // ends, which can be before this chart is disposed) or the browser did not answer in time. Either way the
            // point is dropped, as a page that falls behind drops points; it must not end the page's feed.
        }
    }

    private static long? WindowMs(TimeSpan? window) => window is { } w ? (long)w.TotalMilliseconds : null;

    private string ValueText(double? value) => value is not { } v ? "—" : Unit switch
    {
        ChartUnit.Percent => v.ToString("0.0", CultureInfo.InvariantCulture) + "%",
        ChartUnit.Milliseconds => v.ToString("0", CultureInfo.InvariantCulture) + " ms",
        ChartUnit.PerSecond => v.ToString("0.0", CultureInfo.InvariantCulture) + "/s",
        _ => v.ToString("0", CultureInfo.InvariantCulture),
    };

    private static string TimeText(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _deltas?.Close();

        if (_module is null)
        {
            return;
        }

        try
        {
            if (_created)
            {
                await _module.InvokeVoidAsync("destroy", _id);
            }

            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The browser closed the page: nothing to destroy.
        }
    }
}
