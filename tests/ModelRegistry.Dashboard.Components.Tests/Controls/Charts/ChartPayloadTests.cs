using System.Text.Json;
using ModelRegistry.Dashboard.Components.Controls.Charts;

namespace ModelRegistry.Dashboard.Components.Tests.Controls.Charts;

/// <summary>
/// The chart's payloads reach the browser as the same JSON as before they were wrapped: what Blazor's JS runtime writes
/// for a record (camelCase names, nulls written), here from metadata built once instead of once per circuit.
/// </summary>
public sealed class ChartPayloadTests
{
    /// <summary>The options Blazor's JS runtime serializes interop arguments with (camelCase, reflection).</summary>
    private static readonly JsonSerializerOptions JsRuntimeLike = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, MaxDepth = 32 };

    [Fact]
    public void A_wrapped_chart_config_is_written_as_the_JS_runtime_wrote_the_record()
    {
        var config = new ChartConfig(
            "tsc-1", 200, "percent", Sparkline: false, Dark: true, WindowMs: 300_000, EmptyText: null,
            [new WireSeries("1.2.0", "#1e88e5")],
            [new WirePoint(0, 1_700_000_000_000, 1.5), new WirePoint(0, 1_700_000_001_000, null)],
            [new WireMark(1_700_000_000_500, "10%", "shift", "traffic 10% to 1.2.0")],
            [new WireThreshold(2, "error rate ≤ 2%")]);

        Assert.Equal(JsonSerializer.Serialize(config, JsRuntimeLike), JsonSerializer.Serialize(ChartPayload.Of(config), JsRuntimeLike));
    }

    [Fact]
    public void Wrapped_points_marks_and_thresholds_are_written_as_before()
    {
        WirePoint[] points = [new(1, 1_700_000_000_000, 3.25)];
        WireMark[] marks = [new(1_700_000_000_000, "rollback", "rollback", null)];
        WireThreshold[] thresholds = [new(150, "p95 ≤ 150 ms")];

        Assert.Equal(JsonSerializer.Serialize(points, JsRuntimeLike), JsonSerializer.Serialize(ChartPayload.Of(points), JsRuntimeLike));
        Assert.Equal(JsonSerializer.Serialize(marks, JsRuntimeLike), JsonSerializer.Serialize(ChartPayload.Of(marks), JsRuntimeLike));
        Assert.Equal(JsonSerializer.Serialize(thresholds, JsRuntimeLike), JsonSerializer.Serialize(ChartPayload.Of(thresholds), JsRuntimeLike));
        Assert.Equal("""[{"s":1,"x":1700000000000,"y":3.25}]""", JsonSerializer.Serialize(ChartPayload.Of(points), JsRuntimeLike));
    }
}
