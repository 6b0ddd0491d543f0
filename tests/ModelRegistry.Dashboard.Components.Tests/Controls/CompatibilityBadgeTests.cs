using Bunit;
using ModelRegistry.Dashboard.Components.Controls;

namespace ModelRegistry.Dashboard.Components.Tests.Controls;

public sealed class CompatibilityBadgeTests : DashboardTestContext
{
    [Theory]
    [InlineData("2.0.0", "1.2.0", "breaking vs production 1.2.0")]
    [InlineData("1.0.0", "2.0.0-rc.1", "breaking vs production 2.0.0-rc.1")]
    [InlineData("1.3.0", "1.2.0", "compatible vs production 1.2.0")]
    [InlineData("1.1.0", "1.2.0", "compatible vs production 1.2.0")]
    public void Says_compatible_for_the_same_major_and_breaking_otherwise(string version, string serving, string expected)
    {
        var cut = Render<CompatibilityBadge>(p => p
            .Add(b => b.Version, version)
            .Add(b => b.Environment, "production")
            .Add(b => b.Serving, serving));

        Assert.Equal(expected, Normalize(cut.Find("[data-testid=compatibility]").TextContent));
    }

    [Fact]
    public void Draws_nothing_for_the_version_being_served()
    {
        var cut = Render<CompatibilityBadge>(p => p
            .Add(b => b.Version, "1.2.0")
            .Add(b => b.Environment, "production")
            .Add(b => b.Serving, "1.2.0"));

        Assert.Empty(cut.FindAll("[data-testid=compatibility]"));
    }
}
