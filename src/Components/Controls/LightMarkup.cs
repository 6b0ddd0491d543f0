using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;

namespace ModelRegistry.Dashboard.Components.Controls;

/// <summary>
/// MudBlazor's own markup and classes for the few elements every open dashboard repeats — navigation links, the charts'
/// "show as table" buttons, their icons — written as plain elements instead of components. Measured (docs/benchmarks.md
/// §e): these were half of the Metrics page's 106 components per circuit, and removing them saved about 110 KB of server
/// memory per open dashboard (each component's state, render-tree buffers and attribute table). Looks and CSS are
/// MudBlazor's unchanged.
/// </summary>
internal static class LightMarkup
{
    /// <summary>The classes of a <c>MudIconButton</c> in the inherited colour (the app bar's buttons and links).</summary>
    public const string IconButtonClass = "mud-button-root mud-icon-button mud-inherit-text hover:mud-inherit-hover mud-ripple mud-ripple-icon";

    private static readonly ConcurrentDictionary<(string Icon, string Classes), MarkupString> Icons = new();

    /// <summary>A MudBlazor SVG icon (an <c>Icons.Material…</c> value), built once and shared by every circuit.</summary>
    public static MarkupString Icon(string icon, string classes) =>
        Icons.GetOrAdd((icon, classes), static key => new MarkupString(
            $"<svg class=\"mud-icon-root mud-svg-icon {key.Classes}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{key.Icon}</svg>"));
}
