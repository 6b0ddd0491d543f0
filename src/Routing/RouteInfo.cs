namespace ModelRegistry.Dashboard.Routing;

/// <summary>The read shape of a route (DESIGN.md §5).</summary>
public sealed record RouteInfo(
    string Environment,
    string Model,
    IReadOnlyList<SplitInfo> Splits,
    long Revision,
    DateTime UpdatedAt,
    string UpdatedBy)
{
    internal static RouteInfo From(Route route) => new(
        route.EnvironmentName,
        route.ModelName,
        [.. route.Splits.OrderByDescending(s => s.Weight).Select(s => new SplitInfo(s.Version, s.Weight))],
        route.Revision,
        route.UpdatedAt,
        route.UpdatedBy);

    /// <summary>The version holding the largest share, the one an operator thinks of as "serving".</summary>
    public string? PrimaryVersion => Splits.Count == 0 ? null : Splits[0].Version;

    public bool Serves(string version) => Splits.Any(s => s.Weight > 0 && s.Version == version);
}

public sealed record SplitInfo(string Version, int Weight);
