using System.Text.Json.Serialization;

namespace ModelRegistry.Dashboard.Components.Controls.Charts;

/// <summary>One line of a chart: its name in the legend and tooltip, and its colour.</summary>
public sealed record ChartSeries(string Name, string Colour);

/// <summary>One point of the line at <see cref="Series"/> (an index into the chart's series); a null value is a gap.</summary>
public readonly record struct ChartPoint(int Series, DateTime At, double? Value);

/// <summary>What a vertical mark on the time axis stands for; it picks the mark's colour.</summary>
public enum ChartMarkKind
{
    Shift,
    Pass,
    Fail,
    Inconclusive,
    Pause,
    Resume,
    Rollback,
    Success,
    Deploy,
    Alert,
    Restart,
}

/// <summary>A vertical mark at <see cref="At"/>: a short label on the chart and the evidence in its tooltip.</summary>
public sealed record ChartMark(DateTime At, string Label, ChartMarkKind Kind, string? Detail = null);

/// <summary>A horizontal limit line (a guard rule's threshold) with its label.</summary>
public sealed record ChartThreshold(double Value, string Label);

/// <summary>How a chart's values read: the axis and the tooltip format them with this unit.</summary>
public enum ChartUnit
{
    Count,
    Percent,
    Milliseconds,
    PerSecond,
    Tokens,
}

// The shapes sent to wwwroot/js/timeSeriesChart.js: short names, milliseconds since the epoch.
internal readonly record struct WirePoint([property: JsonPropertyName("s")] int Series, [property: JsonPropertyName("x")] long X, [property: JsonPropertyName("y")] double? Y)
{
    public static WirePoint From(ChartPoint point) =>
        new(point.Series, UnixMs(point.At), point.Value is { } v && double.IsFinite(v) ? v : null);

    /// <summary>The chart's x: milliseconds since the epoch, every time taken as UTC.</summary>
    public static long UnixMs(DateTime at) => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
}

internal sealed record WireMark(long X, string Label, string Kind, string? Detail)
{
    public static WireMark From(ChartMark mark) =>
        new(WirePoint.UnixMs(mark.At), mark.Label, JsName(mark.Kind.ToString()), mark.Detail);

    internal static string JsName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

internal sealed record WireThreshold(double Y, string Label);

internal sealed record WireSeries(string Name, string Colour);

internal sealed record WireRow(long X, double?[] Values);

internal sealed record ChartConfig(
    string Id,
    int Height,
    string Unit,
    bool Sparkline,
    bool Dark,
    long? WindowMs,
    string? EmptyText,
    IReadOnlyList<WireSeries> Series,
    IReadOnlyList<WirePoint> Points,
    IReadOnlyList<WireMark> Marks,
    IReadOnlyList<WireThreshold> Thresholds);
