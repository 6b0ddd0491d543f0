using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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

/// <summary>
/// A chart interop argument written by the source-generated <see cref="ChartJson"/> context. Blazor's JS runtime keeps
/// a serializer of its own per circuit, so every record sent to the browser had its System.Text.Json metadata built again
/// for each open dashboard (property infos, emitted accessors: the largest share of a circuit's memory left,
/// docs/benchmarks.md §e); wrapped, a circuit's serializer sees one converter-backed type per payload and the JSON —
/// the same JSON — is written from metadata built once for the process.
/// </summary>
[JsonConverter(typeof(ChartPayloadConverter))]
internal sealed class ChartPayload<T>(T value)
{
    public T Value { get; } = value;
}

internal static class ChartPayload
{
    public static ChartPayload<T> Of<T>(T value) => new(value);
}

/// <summary>Writes a <see cref="ChartPayload{T}"/> with <see cref="ChartJson"/>; payloads only go to the browser.</summary>
internal sealed class ChartPayloadConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ChartPayload<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Writer<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class Writer<T> : JsonConverter<ChartPayload<T>>
    {
        private static readonly JsonTypeInfo<T> TypeInfo =
            (JsonTypeInfo<T>?)ChartJson.Default.GetTypeInfo(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T)} is not in ChartJson.");

        public override ChartPayload<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Chart payloads are only sent to the browser.");

        public override void Write(Utf8JsonWriter writer, ChartPayload<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, TypeInfo);
    }
}

/// <summary>The chart module's wire shapes, camelCase as Blazor's JS runtime writes them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChartConfig))]
[JsonSerializable(typeof(WirePoint[]))]
[JsonSerializable(typeof(WireMark[]))]
[JsonSerializable(typeof(WireThreshold[]))]
internal sealed partial class ChartJson : JsonSerializerContext;
