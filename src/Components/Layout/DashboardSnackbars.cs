using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Layout;

/// <summary>
/// How confirmations ("Model X registered.") and alert announcements appear: a few at a time at the bottom centre, below
/// the content's tables and actions rather than over the right-hand columns, gone after a few seconds, the same message
/// never twice at once.
/// </summary>
public static class DashboardSnackbars
{
    /// <summary>More than this queue behind the visible ones instead of stacking up the screen.</summary>
    public const int MaxVisible = 2;

    public static void Configure(SnackbarConfiguration configuration)
    {
        configuration.PositionClass = Defaults.Classes.Position.BottomCenter;
        configuration.MaxDisplayedSnackbars = MaxVisible;
        configuration.PreventDuplicates = true;
        configuration.NewestOnTop = true;
        configuration.VisibleStateDuration = 3500;
        configuration.ShowTransitionDuration = 200;
        configuration.HideTransitionDuration = 200;
    }
}
