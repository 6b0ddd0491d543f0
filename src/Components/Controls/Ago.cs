namespace ModelRegistry.Dashboard.Components.Controls;

/// <summary>"3 min ago"-style times for tables and timelines; the exact UTC time goes in a tooltip.</summary>
public static class Ago
{
    public static string Since(DateTime utc, TimeProvider clock)
    {
        var elapsed = clock.GetUtcNow().UtcDateTime - utc;
        return elapsed.TotalSeconds switch
        {
            < 0 => utc.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
            < 45 => "just now",
            < 90 => "a minute ago",
            < 3600 => $"{(int)elapsed.TotalMinutes} min ago",
            < 86400 => $"{(int)elapsed.TotalHours} h ago",
            < 86400 * 30 => $"{(int)elapsed.TotalDays} d ago",
            _ => utc.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
