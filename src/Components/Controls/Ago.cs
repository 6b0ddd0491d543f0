using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace ModelRegistry.Dashboard.Components.Controls;

/// <summary>"3 min ago"-style times for tables and timelines; the exact UTC time shows on hover.</summary>
public static class Ago
{
    public static string Since(DateTime utc, TimeProvider clock)
    {
        var elapsed = clock.GetUtcNow().UtcDateTime - utc;
        return elapsed.TotalSeconds switch
        {
            < 0 => utc.ToString("u", CultureInfo.InvariantCulture),
            < 45 => "just now",
            < 90 => "a minute ago",
            < 3600 => $"{(int)elapsed.TotalMinutes} min ago",
            < 86400 => $"{(int)elapsed.TotalHours} h ago",
            < 86400 * 30 => $"{(int)elapsed.TotalDays} d ago",
            _ => utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The exact time a relative one stands for, as shown on hover.</summary>
    public static string Exact(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The relative time in a <c>&lt;time&gt;</c> element whose title (hover) is the exact UTC time and whose datetime is
    /// ISO 8601, so operators can read "a minute ago" and still tell exactly when.
    /// </summary>
    public static RenderFragment Tag(DateTime utc, TimeProvider clock) => builder =>
    {
        builder.OpenElement(0, "time");
        builder.AddAttribute(1, "datetime", utc.ToString("O", CultureInfo.InvariantCulture));
        builder.AddAttribute(2, "title", Exact(utc));
        builder.AddContent(3, Since(utc, clock));
        builder.CloseElement();
    };
}
