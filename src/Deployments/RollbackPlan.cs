namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// Where a rollback puts the route: the pre-deployment snapshot with the deployment's target taken out and its weight
/// given back to the stable version. Restoring the snapshot exactly is not enough when the target already had traffic
/// before the deployment (the demo's staging route sends 10% to support-chat 2.0.0): a rollback that rewrote that split
/// would leave the failing version serving while the page said "rolled back". A rollback always ends with the target at 0%.
/// </summary>
public static class RollbackPlan
{
    /// <summary>
    /// The splits a rollback of <paramref name="target"/> writes, from the snapshot's <paramref name="snapshotSplits"/>.
    /// The target's weight goes to <paramref name="stable"/> when the snapshot names it, otherwise to the heaviest
    /// remaining version (ties: the first in the snapshot). Empty when nothing but the target was there: the route is removed.
    /// </summary>
    public static List<PlannedSplit> Without(IReadOnlyList<PlannedSplit> snapshotSplits, string target, string? stable)
    {
        ArgumentNullException.ThrowIfNull(snapshotSplits);
        var kept = snapshotSplits.Where(s => s.Version != target && s.Weight > 0)
            .Select(s => new PlannedSplit { Version = s.Version, Weight = s.Weight })
            .ToList();
        if (kept.Count == 0)
        {
            return kept;
        }

        var freed = 100 - kept.Sum(s => s.Weight);
        var heir = kept.Find(s => s.Version == stable) ?? kept.MaxBy(s => s.Weight)!;
        heir.Weight += freed;
        return kept;
    }
}
