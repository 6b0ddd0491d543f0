using ModelRegistry.Dashboard.Components.Controls.Charts;

namespace ModelRegistry.Dashboard.Components.Tests.Controls.Charts;

/// <summary>What a chart interop call sent: its arguments travel wrapped in <see cref="ChartPayload{T}"/>.</summary>
internal static class Sent
{
    public static T Of<T>(object? argument) => Assert.IsType<ChartPayload<T>>(argument).Value;
}
