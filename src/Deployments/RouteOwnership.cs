using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// Whose route it is: a deployment drives only a route that is still at the revision it last wrote (its traffic-shifted
/// events record each write's revision; before the first, its snapshot's). This class answers the question and
/// <see cref="DeploymentTransitions"/> acts on the answer: when someone else moved the route, a forward shift stops
/// (aborted) and a rollback is planned again from the route as it is, because neither may overwrite another writer's
/// change nor plan from a state it did not create.
/// </summary>
public sealed class RouteOwnership(RouteService routes)
{
    internal Task<RouteInfo?> CurrentAsync(Deployment deployment, CancellationToken cancellationToken) =>
        routes.FindAsync(deployment.EnvironmentName, deployment.ModelName, cancellationToken);

    /// <summary>The change someone else made to the route since this deployment last wrote it, or null while it is still the deployment's.</summary>
    internal async Task<ForeignRouteChange?> FindForeignChangeAsync(RegistryDbContext db, Deployment deployment, CancellationToken cancellationToken)
    {
        var route = await CurrentAsync(deployment, cancellationToken);
        var written = await LastWrittenRevisionAsync(db, deployment, cancellationToken);
        return (route?.Revision ?? 0) == written ? null : new ForeignRouteChange(route, written);
    }

    /// <summary>Whether <paramref name="route"/> is at a revision this deployment did not write (someone else created or moved it).</summary>
    internal static async Task<bool> IsForeignAsync(RegistryDbContext db, Deployment deployment, RouteInfo route, CancellationToken cancellationToken) =>
        await LastWrittenRevisionAsync(db, deployment, cancellationToken) != route.Revision;

    /// <summary>Whether the route already serves exactly the planned splits (order aside): a write is then already done.</summary>
    internal static bool SameSplits(IEnumerable<SplitInfo> route, IEnumerable<PlannedSplit> planned) =>
        route.OrderBy(s => s.Version, StringComparer.Ordinal).Select(s => (s.Version, s.Weight))
            .SequenceEqual(planned.OrderBy(s => s.Version, StringComparer.Ordinal).Select(s => (s.Version, s.Weight)));

    /// <summary>The route revision this deployment last wrote, or the one its snapshot saw before it started.</summary>
    private static async Task<long> LastWrittenRevisionAsync(RegistryDbContext db, Deployment deployment, CancellationToken cancellationToken)
    {
        var shifted = await db.DeploymentEvents.AsNoTracking()
            .Where(e => e.DeploymentId == deployment.Id && e.Kind == DeploymentEventKind.TrafficShifted && e.RouteRevision != null)
            .MaxAsync(e => e.RouteRevision, cancellationToken);
        return shifted ?? await db.Snapshots.AsNoTracking().Where(s => s.Id == deployment.SnapshotId).Select(s => s.RouteRevision).FirstAsync(cancellationToken);
    }
}

/// <summary>
/// A route write made outside the deployment: the route as it is now (null when it was removed) and the revision the
/// deployment last wrote, which the events and the operator are told.
/// </summary>
internal sealed record ForeignRouteChange(RouteInfo? Route, long LastWritten)
{
    public string Describe() => Route is null
        ? "the route was removed"
        : $"{Route.UpdatedBy} changed the route at {Route.UpdatedAt:u} (revision {Route.Revision}, this deployment last wrote {LastWritten}): " +
          PlannedSplit.Describe([.. Route.Splits.Select(s => new PlannedSplit { Version = s.Version, Weight = s.Weight })]);
}
