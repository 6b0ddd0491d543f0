using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Tests.Registry;

public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("1.2.0", 1, 2, 0, "")]
    [InlineData("2.0.0-rc.1", 2, 0, 0, "rc.1")]
    [InlineData("0.1.0", 0, 1, 0, "")]
    public void Accepts_strict_semantic_versions(string text, int major, int minor, int patch, string prerelease)
    {
        var ok = SemanticVersion.TryParse(text, out var version, out var problem);

        Assert.True(ok);
        Assert.Null(problem);
        Assert.Equal(major, (int)version.Major);
        Assert.Equal(minor, (int)version.Minor);
        Assert.Equal(patch, (int)version.Patch);
        Assert.Equal(prerelease, version.Prerelease);
    }

    [Theory]
    [InlineData("1.2", "not a semantic version")]
    [InlineData("01.2.0", "not a semantic version")]
    [InlineData("v1.2.0", "not a semantic version")]
    [InlineData("1.2.0+build", "build metadata")]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    [InlineData(null, "required")]
    public void Refuses_anything_else_with_a_reason(string? text, string reasonContains)
    {
        var ok = SemanticVersion.TryParse(text, out _, out var problem);

        Assert.False(ok);
        Assert.NotNull(problem);
        Assert.Contains(reasonContains, problem, StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(text))
        {
            Assert.Contains(text, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Refuses_overlong_versions()
    {
        var text = "1.0.0-" + new string('a', 80);

        Assert.False(SemanticVersion.TryParse(text, out _, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Sorts_newest_first_by_precedence_not_by_text()
    {
        string[] shuffled = ["1.2.0-rc.1", "1.0.0", "1.10.0", "1.2.0", "1.9.0"];

        var sorted = SemanticVersion.NewestFirst(shuffled, v => v).ToList();

        Assert.Equal(["1.10.0", "1.9.0", "1.2.0", "1.2.0-rc.1", "1.0.0"], sorted);
    }

    [Theory]
    [InlineData("1.0.0-alpha", "1.0.0")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-rc.2", "1.0.0-rc.10")]
    [InlineData("1.9.0", "1.10.0")]
    [InlineData("1.99.99", "2.0.0")]
    public void Precedence_orders_lower_before_higher(string lower, string higher)
    {
        Assert.True(SemanticVersion.Precedence.Compare(lower, higher) < 0);
        Assert.True(SemanticVersion.Precedence.Compare(higher, lower) > 0);
        Assert.Equal(0, SemanticVersion.Precedence.Compare(higher, higher));
    }
}
