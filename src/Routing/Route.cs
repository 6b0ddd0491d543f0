namespace ModelRegistry.Dashboard.Routing;

/// <summary>
/// For one (environment, model): who serves what. Weights are integers summing to exactly 100; <see cref="Revision"/>
/// rises by one on every write and doubles as the optimistic-concurrency token.
/// </summary>
public sealed class Route
{
    public int Id { get; set; }

    public required string EnvironmentName { get; init; }

    public required string ModelName { get; init; }

    public List<RouteSplit> Splits { get; set; } = [];

    public long Revision { get; set; }

    public DateTime UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

public sealed class RouteSplit
{
    public required string Version { get; set; }

    public int Weight { get; set; }
}
