using Bunit;
using ModelRegistry.Dashboard.Components.Controls;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Components.Tests.Controls;

public sealed class VersionStatusChipTests : DashboardTestContext
{
    [Theory]
    [InlineData(VersionStatus.Active, "active", "mud-chip-color-success")]
    [InlineData(VersionStatus.Deprecated, "deprecated", "mud-chip-color-warning")]
    [InlineData(VersionStatus.Archived, "archived", "mud-chip-color-default")]
    public void Shows_the_status_in_words_and_colour(VersionStatus status, string text, string colourClass)
    {
        var cut = Render<VersionStatusChip>(p => p.Add(c => c.Status, status));

        var chip = cut.Find("[data-testid=version-status]");
        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Contains(colourClass, chip.ClassList);
    }
}
