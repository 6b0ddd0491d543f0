using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;

namespace ModelRegistry.Dashboard.Tests.Core;

public sealed class EnumTextTests
{
    [Theory]
    [InlineData("blueGreen", DeploymentStrategy.BlueGreen)]
    [InlineData("BLUEGREEN", DeploymentStrategy.BlueGreen)]
    [InlineData("blue-green", DeploymentStrategy.BlueGreen)]
    [InlineData("canary", DeploymentStrategy.Canary)]
    public void Member_names_are_read_in_any_case_with_or_without_hyphens(string text, DeploymentStrategy expected) =>
        Assert.Equal(expected, EnumText.Parse<DeploymentStrategy>(text));

    [Theory]
    [InlineData("1")]
    [InlineData("1-")]
    [InlineData("-1")]
    [InlineData("direct,canary")]
    [InlineData("")]
    [InlineData(" canary")]
    [InlineData(null)]
    public void Numbers_lists_and_anything_but_a_whole_name_are_refused(string? text) =>
        Assert.Null(EnumText.Parse<DeploymentStrategy>(text));

    [Fact]
    public void Names_are_listed_in_camel_case() =>
        Assert.Equal("direct, blueGreen, canary", EnumText.Names<DeploymentStrategy>());
}
