using Bunit;
using ModelRegistry.Dashboard.Components.Layout;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Layout;

public sealed class SharedThemeProviderTests : DashboardTestContext
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void It_renders_what_MudBlazor_s_provider_renders(bool dark)
    {
        var mud = Render<MudThemeProvider>(p => p.Add(t => t.Theme, DashboardTheme.Theme).Add(t => t.IsDarkMode, dark));
        var shared = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, DashboardTheme.Theme).Add(t => t.IsDarkMode, dark));

        Assert.Equal(mud.Markup, shared.Markup);
        Assert.Contains(dark ? "--mud-palette-primary: rgba(140,158,255,1)" : "--mud-palette-primary: rgba(57,73,171,1)", shared.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_open_dashboard_holds_the_same_theme_text_not_a_copy_of_its_own()
    {
        // What MudBlazor builds anew on each render of each circuit: equal texts, distinct strings.
        var first = Render<MudThemeProvider>(p => p.Add(t => t.Theme, DashboardTheme.Theme)).Markup;
        var second = new string(first.AsSpan());

        Assert.Same(SharedThemeProvider.Share(first), SharedThemeProvider.Share(second));
        Assert.NotSame(SharedThemeProvider.Share(first), SharedThemeProvider.Share(first + "<!-- another palette -->"));
    }
}
