using Bunit;
using ModelRegistry.Dashboard.Components.Controls;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Components.Tests.Controls;

public sealed class SplitBarTests : DashboardTestContext
{
    [Fact]
    public void Each_segment_is_as_wide_as_its_weight_and_the_legend_lists_version_and_weight()
    {
        var cut = Render<SplitBar>(p => p.Add(s => s.Splits,
            [new SplitInfo("1.2.0", 70), new SplitInfo("1.3.0", 25), new SplitInfo("2.0.0-rc.1", 5)]));

        var segments = cut.FindAll(".split-bar span");
        Assert.Equal(["70%", "25%", "5%"], segments.Select(s => Style(s.GetAttribute("style"), "width")).ToList());
        Assert.Equal(3, segments.Select(s => Style(s.GetAttribute("style"), "background")).Distinct().Count());

        var legend = cut.FindAll("[data-testid=split] .mud-typography").Select(t => Normalize(t.TextContent)).ToList();
        Assert.Equal(["● 1.2.0 70%", "● 1.3.0 25%", "● 2.0.0-rc.1 5%"], legend);
        Assert.Equal("1.2.0: 70%, 1.3.0: 25%, 2.0.0-rc.1: 5%", cut.Find(".split-bar").GetAttribute("title"));
    }

    [Fact]
    public void The_legend_dot_has_the_colour_of_its_segment()
    {
        var cut = Render<SplitBar>(p => p.Add(s => s.Splits, [new SplitInfo("1.2.0", 50), new SplitInfo("1.3.0", 50)]));

        var segmentColours = cut.FindAll(".split-bar span").Select(s => Style(s.GetAttribute("style"), "background")).ToList();
        var dotColours = cut.FindAll("[data-testid=split] .mud-typography span").Select(s => Style(s.GetAttribute("style"), "color")).ToList();
        Assert.Equal(segmentColours, dotColours);
    }

    private static string? Style(string? style, string property) =>
        style?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(':', 2))
            .Where(d => d.Length == 2 && d[0].Trim() == property)
            .Select(d => d[1].Trim())
            .SingleOrDefault();
}
