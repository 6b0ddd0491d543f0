using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// Whose route it is: a deployment drives only a route that is still at the revision it last wrote. When someone else
/// moved it, a forward shift stops (aborted) and a rollback is planned again from the route as it is.
/// </summary>
public sealed partial class DeploymentTransitions
{
    /// <summary>
    /// Ends <paramref name="deployment"/> as aborted (saved) when the route is no longer at the revision it last wrote;
    /// returns whether it did. Called before a forward shift or an operator's promote.
    /// </summary>
    internal async Task<bool> AbortIfRouteMovedAsync(RegistryDbContext db, Deployment deployment, Actor actor, CancellationToken cancellationToken)
    {
        var route = await CurrentRouteAsync(deployment, cancellationToken);
        var written = await LastWrittenRevisionAsync(db, deployment, cancellationToken);
        if ((route?.Revision ?? 0) == written)
        {
            return false;
        }

        await AbortForForeignChangeAsync(db, deployment, route, written, actor, cancellationToken);
        return true;
    }

    /// <summary>
    /// The route moved under a planned shift. A rollback is planned again from the route as it is now (it must happen);
    /// a forward shift stops the deployment: see <see cref="AbortForForeignChangeAsync"/>.
    /// </summary>
    private async Task<bool> AbandonPlanAsync(RegistryDbContext db, Deployment deployment, Actor actor, CancellationToken cancellationToken)
    {
        var expected = (deployment.PlannedRevision ?? 1) - 1;
        deployment.AbandonPlan();
        if (!deployment.IsRollingBack)
        {
            await AbortForForeignChangeAsync(db, deployment, await CurrentRouteAsync(deployment, cancellationToken), expected, actor, cancellationToken);
            return false;
        }

        AddEvent(db, deployment, DeploymentEventKind.RouteMoved,
            "The route was changed by someone else before the rollback was written; the rollback is planned again from the current route.", actor);
        await SaveAsync(db, deployment, actor, cancellationToken);
        return false;
    }

    /// <summary>
    /// Someone else wrote the route while this deployment was driving it. The deployment does not overwrite their change
    /// (nor plan from a state it did not create): it ends as aborted and leaves the route as they set it.
    /// </summary>
    private async Task AbortForForeignChangeAsync(RegistryDbContext db, Deployment deployment, RouteInfo? route, long expected, Actor actor, CancellationToken cancellationToken)
    {
        var who = route is null
            ? "the route was removed"
            : $"{route.UpdatedBy} changed the route at {route.UpdatedAt:u} (revision {route.Revision}, this deployment last wrote {expected}): {Describe([.. route.Splits.Select(s => new PlannedSplit { Version = s.Version, Weight = s.Weight })])}";
        deployment.FallBackToReachedStep();
        AddEvent(db, deployment, DeploymentEventKind.RouteMoved, $"Outside this deployment, {who}.", actor);
        Finish(db, deployment, DeploymentStatus.Aborted,
            $"Aborted at {deployment.TrafficPercent}%: {who}. The route is left as it is now; start a new deployment to continue.", actor);
        await SaveAsync(db, deployment, actor, cancellationToken);
    }

    /// <summary>The route revision this deployment last wrote, or the one its snapshot saw before it started.</summary>
    private static async Task<long> LastWrittenRevisionAsync(RegistryDbContext db, Deployment deployment, CancellationToken cancellationToken)
    {
        var shifted = await db.DeploymentEvents.AsNoTracking()
            .Where(e => e.DeploymentId == deployment.Id && e.Kind == DeploymentEventKind.TrafficShifted && e.RouteRevision != null)
            .MaxAsync(e => e.RouteRevision, cancellationToken);
        return shifted ?? await db.Snapshots.AsNoTracking().Where(s => s.Id == deployment.SnapshotId).Select(s => s.RouteRevision).FirstAsync(cancellationToken);
    }
}
