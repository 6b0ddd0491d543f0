using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Layout;

/// <summary>The dashboard's palette: calm neutrals, one accent, and status colours that read in light and dark mode.</summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#1f2937",
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c9eff",
            Secondary = "#4db6ac",
            AppbarBackground = "#111827",
            Background = "#0f1117",
            Surface = "#171a23",
            DrawerBackground = "#141722",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}
