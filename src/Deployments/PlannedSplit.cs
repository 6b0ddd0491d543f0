namespace ModelRegistry.Dashboard.Deployments;

/// <summary>One (version, weight) of a planned route write.</summary>
public sealed class PlannedSplit
{
    public required string Version { get; set; }

    public int Weight { get; set; }
}
