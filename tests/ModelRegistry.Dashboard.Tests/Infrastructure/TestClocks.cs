using Microsoft.Extensions.Time.Testing;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>Fake clocks: time, and every timer on it, moves only when a test advances it.</summary>
public static class TestClocks
{
    /// <summary>A minute boundary, so ten-second blocks and minutes line up with the test's arithmetic.</summary>
    public static readonly DateTimeOffset Start = new(2031, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider New() => new(Start);
}
