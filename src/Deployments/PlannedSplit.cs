namespace ModelRegistry.Dashboard.Deployments;

/// <summary>One (version, weight) of a planned route write.</summary>
public sealed class PlannedSplit
{
    public required string Version { get; set; }

    public int Weight { get; set; }

    /// <summary>The splits as the timeline shows them ("1.0.0 90%, 1.1.0 10%"); an empty plan removes the route.</summary>
    public static string Describe(IReadOnlyCollection<PlannedSplit> splits) =>
        splits.Count == 0 ? "no route" : string.Join(", ", splits.Select(s => $"{s.Version} {s.Weight}%"));
}
