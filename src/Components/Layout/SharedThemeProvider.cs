using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Layout;

/// <summary>
/// <see cref="MudThemeProvider"/> whose output — a <c>&lt;style&gt;</c> of the theme's CSS variables, about 23 KB of
/// text — is one string shared by every open dashboard instead of a new one per circuit. MudBlazor builds that text on
/// each render and a circuit's render tree keeps it twice (current and previous tree): 46 KB per open dashboard, measured
/// with <c>dotnet-dump</c> (docs/benchmarks.md §e). Here each render's markup is swapped for the first identical string
/// seen (there is one per palette), so the copies become garbage at once. Everything else is MudBlazor's; a test compares
/// the markup with MudBlazor's own provider, so a MudBlazor update that changes it fails there, not in front of operators.
/// </summary>
public sealed class SharedThemeProvider : MudThemeProvider
{
    /// <summary>A few distinct texts at most (light and dark, with and without the scrollbar style): bounded anyway.</summary>
    private const int MaxShared = 16;

    private static readonly ConcurrentDictionary<string, string> Shared = new(StringComparer.Ordinal);

    /// <summary>MudBlazor's own markup (its <c>MudThemeProvider.razor</c>), with the shared strings.</summary>
    protected override void BuildRenderTree(RenderTreeBuilder __builder)
    {
        if (!DefaultScrollbar)
        {
            __builder.AddMarkupContent(0, Share(BuildMudBlazorScrollbar()));
        }

        __builder.AddMarkupContent(1, ChartHoverStyle);
        __builder.AddMarkupContent(2, Share(BuildTheme()));
    }

    private const string ChartHoverStyle =
        "<style>\n    .mud-chart-serie:hover {\n        filter: url(#lighten);\n    }\n\n    .mud-chart-serie-hovered \n    {\n        filter: url(#lighten);\n    }\n</style>\n\n";

    internal static string Share(string markup) =>
        Shared.TryGetValue(markup, out var shared) ? shared
        : Shared.Count < MaxShared ? Shared.GetOrAdd(markup, markup)
        : markup;
}
