namespace ModelRegistry.Dashboard.Components.Pages.Metrics;

/// <summary>
/// A range of the Metrics page's charts: a live one (one-second points from the live feed, its oldest dropping off as
/// new ones arrive) or a history one (the persisted minute rollups, reloaded at most once a minute).
/// </summary>
public sealed record MetricsRange(string Key, string Label, TimeSpan Span, bool Live)
{
    /// <summary>A chart draws at most this many points per version (what the series query returns): 7 days take a coarser step than a minute.</summary>
    public const int MaxPoints = Telemetry.MetricsQueries.MaxPoints;

    public static readonly IReadOnlyList<MetricsRange> All =
    [
        new("1m", "1 min", TimeSpan.FromMinutes(1), Live: true),
        new("5m", "5 min", TimeSpan.FromMinutes(5), Live: true),
        new("15m", "15 min", TimeSpan.FromMinutes(15), Live: true),
        new("1h", "1 h", TimeSpan.FromHours(1), Live: false),
        new("24h", "24 h", TimeSpan.FromHours(24), Live: false),
        new("7d", "7 d", TimeSpan.FromDays(7), Live: false),
    ];

    public static MetricsRange Default => All[0];

    /// <summary>Seconds per point: 1 live; for history whole minutes (the rollups' resolution), enough to stay within <see cref="MaxPoints"/>.</summary>
    public int StepSeconds => Live ? 1 : 60 * (int)Math.Ceiling(Span.TotalMinutes / MaxPoints);

    /// <summary>The window the per-version table summarises: the range itself when live, else the longest live window.</summary>
    public int TableSeconds => (int)Math.Min(Span.TotalSeconds, All[2].Span.TotalSeconds);

    public static MetricsRange Find(string? key) => All.FirstOrDefault(r => r.Key == key) ?? Default;
}
