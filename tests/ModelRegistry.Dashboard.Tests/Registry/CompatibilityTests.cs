using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Tests.Registry;

public sealed class CompatibilityTests
{
    [Theory]
    [InlineData("1.2.0", "1.3.0", "upgrade")]
    [InlineData("1.3.0", "1.2.0", "downgrade")]
    [InlineData("2.0.0-rc.1", "2.0.0", "upgrade")]
    [InlineData("0.1.0", "0.9.0", "upgrade")]
    public void Same_major_is_compatible(string from, string to, string direction)
    {
        var result = Compatibility.Between(from, to);

        Assert.True(result.Compatible);
        Assert.Equal(from, result.From);
        Assert.Equal(to, result.To);
        Assert.Contains(direction, result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.2.0", "2.0.0", 1, 2)]
    [InlineData("2.0.0", "1.9.0", 2, 1)]
    [InlineData("0.9.0", "1.0.0", 0, 1)]
    public void Different_major_is_a_breaking_change_naming_both_majors(string from, string to, int fromMajor, int toMajor)
    {
        var result = Compatibility.Between(from, to);

        Assert.False(result.Compatible);
        Assert.Contains("Breaking", result.Reason, StringComparison.Ordinal);
        Assert.Contains($"{fromMajor} → {toMajor}", result.Reason, StringComparison.Ordinal);
    }
}
