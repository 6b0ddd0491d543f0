using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Routing;

using ModelRegistry.Dashboard.Notifications;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// The moves every deployment is made of, shared by the orchestrator and the operator's commands: one at a time per
/// deployment in this process (its own lock: one slow deployment never holds up another, and nothing but the database
/// is touched under it), each persisted under the deployment's <see cref="Deployment.ConcurrencyStamp"/> before it acts.
/// What a move does to the deployment is <see cref="Deployment"/>'s (its state machine); this class adds the route
/// writes, events, audit entries and notifications around it.
/// A route shift is planned on the deployment (splits and the revision it will produce), then written through
/// <see cref="RouteService"/> with the expected revision, then confirmed; <see cref="CompletePlannedShiftAsync"/> finishes
/// an interrupted one without repeating or skipping it. Whether the route is still the deployment's to write is
/// <see cref="RouteOwnership"/>'s question; what happens when it is not is decided here.
/// </summary>
public sealed class DeploymentTransitions(
    IDbContextFactory<RegistryDbContext> dbFactory,
    RouteService routes,
    RouteOwnership ownership,
    AuditLog audit,
    IChangeNotifier notifier,
    NotificationOutbox outbox,
    TimeProvider clock)
{
    /// <summary>The actor the orchestrator acts as: its route writes and events are recorded under this name.</summary>
    public static Actor Orchestrator { get; } = new("deployment-orchestrator", ActorRole.Operator);

    private readonly DeploymentLocks _locks = new();

    /// <summary>Runs <paramref name="action"/> holding deployment <paramref name="deploymentId"/>'s lock (no other deployment's).</summary>
    public Task<T> LockedAsync<T>(long deploymentId, Func<Task<T>> action, CancellationToken cancellationToken) =>
        _locks.RunAsync(deploymentId, action, cancellationToken);

    private Task<RouteInfo?> CurrentRouteAsync(Deployment deployment, CancellationToken cancellationToken) =>
        routes.FindAsync(deployment.EnvironmentName, deployment.ModelName, cancellationToken);

    internal DateTime Now => clock.GetUtcNow().UtcDateTime;

    internal void AddEvent(RegistryDbContext db, Deployment deployment, DeploymentEventKind kind, string message, Actor actor, int? from = null, int? to = null, long? revision = null) =>
        db.DeploymentEvents.Add(new DeploymentEvent
        {
            DeploymentId = deployment.Id,
            At = Now,
            Kind = kind,
            Message = message.Length > 4000 ? message[..4000] : message,
            Actor = actor.Name,
            TrafficFrom = from,
            TrafficTo = to,
            RouteRevision = revision,
        });

    /// <summary>Saves a change to a tracked deployment under its stamp; a concurrent change becomes a 409 naming who made it.</summary>
    internal async Task SaveAsync(RegistryDbContext db, Deployment deployment, Actor actor, CancellationToken cancellationToken)
    {
        deployment.UpdatedAt = Now;
        deployment.UpdatedBy = actor.Name;
        deployment.ConcurrencyStamp++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            var current = await fresh.Deployments.AsNoTracking().FirstAsync(d => d.Id == deployment.Id, cancellationToken);
            throw Stale(current);
        }

        notifier.Publish(new Change(ChangeKind.DeploymentChanged, deployment.ModelName, deployment.ToVersion, deployment.EnvironmentName));
    }

    internal static ConflictException Stale(Deployment current) =>
        new($"Deployment {current.Id} was changed by {current.UpdatedBy} at {current.UpdatedAt:u}: it is now {current.Status} at {current.TrafficPercent}% " +
            $"(stamp {current.ConcurrencyStamp}). Reload it and decide again.");

    /// <summary>
    /// Plans the shift to <paramref name="splits"/>, persists the plan, then writes and confirms it. Returns false when
    /// the deployment is no longer active (a forward shift ends only by abort: the route had been changed outside it); callers stop there.
    /// </summary>
    internal async Task<bool> ShiftAsync(
        RegistryDbContext db, Deployment deployment, IReadOnlyList<PlannedSplit> splits, int targetPercent, string why, Actor actor, CancellationToken cancellationToken)
    {
        if (!deployment.IsRollingBack && await AbortIfRouteMovedAsync(db, deployment, actor, cancellationToken))
        {
            return false;
        }

        var route = await ownership.CurrentAsync(deployment, cancellationToken);

        deployment.PlanShift(splits, (route?.Revision ?? 0) + 1, targetPercent);
        AddEvent(db, deployment, DeploymentEventKind.TrafficShiftPlanned,
            $"Shifting {deployment.ToVersion} from {deployment.TrafficPercent}% to {targetPercent}% ({PlannedSplit.Describe(splits)}): {why}", actor,
            deployment.TrafficPercent, targetPercent, deployment.PlannedRevision);
        await SaveAsync(db, deployment, actor, cancellationToken);
        await CompletePlannedShiftAsync(db, deployment, actor, cancellationToken);
        return deployment.IsActive;
    }

    /// <summary>
    /// Finishes a planned shift: writes it if the route is still at the revision before it, only records it if the route
    /// already shows it (a restart between the write and its confirmation), and drops the plan if someone else moved the
    /// route meanwhile (the caller plans again from the new route). Returns whether the plan took effect.
    /// </summary>
    internal async Task<bool> CompletePlannedShiftAsync(RegistryDbContext db, Deployment deployment, Actor actor, CancellationToken cancellationToken)
    {
        if (deployment.PlannedSplits is not { } planned || deployment.PlannedRevision is not { } revision)
        {
            return false;
        }

        // An empty plan removes the route (rolling back a first deployment); its "revision" is the one it replaces + 1.
        var removal = planned.Count == 0;
        var route = await ownership.CurrentAsync(deployment, cancellationToken);
        var current = route?.Revision ?? 0;
        long written;
        if (removal ? route is null : current == revision && route is not null && RouteOwnership.SameSplits(route.Splits, planned))
        {
            written = revision;
        }
        else if (current == revision - 1)
        {
            try
            {
                var why = $"Deployment {deployment.Id}: {deployment.ToVersion} to {deployment.PlannedTrafficPercent}%";
                if (removal)
                {
                    await routes.RemoveAsync(actor, deployment.EnvironmentName, deployment.ModelName, current, why + " (the route did not exist before it)", cancellationToken);
                    written = revision;
                }
                else
                {
                    var after = await routes.SetSplitsAsync(actor, deployment.EnvironmentName, deployment.ModelName,
                        [.. planned.Select(s => new SplitInfo(s.Version, s.Weight))], expectedRevision: current, why, cancellationToken);
                    written = after.Revision;
                }
            }
            catch (ConflictException)
            {
                // Only a write that lost to another writer gets here (RouteService rethrows other failures as they
                // are, and the plan stays for the next pass to finish).
                return await AbandonPlanAsync(db, deployment, actor, cancellationToken);
            }
        }
        else
        {
            return await AbandonPlanAsync(db, deployment, actor, cancellationToken);
        }

        var from = deployment.ConfirmShift();
        AddEvent(db, deployment, DeploymentEventKind.TrafficShifted,
            removal ? $"Route removed (it was at revision {written - 1}): no version of {deployment.ModelName} serves in {deployment.EnvironmentName}, as before the deployment."
                    : $"Route at revision {written}: {PlannedSplit.Describe(planned)}.",
            actor, from, deployment.TrafficPercent, removal ? null : written);
        if (deployment.IsRollingBack)
        {
            Finish(db, deployment, DeploymentStatus.RolledBack, $"Rolled back: {deployment.RollbackCause}", actor);
        }

        await SaveAsync(db, deployment, actor, cancellationToken);
        return true;
    }

    /// <summary>
    /// Returns the route to the deployment's snapshot without its target (<see cref="RollbackPlan"/>) in one write, skipped
    /// when the route already matches, and ends the deployment as rolled back. Never looks at metrics. When nothing
    /// but the target would be left (a first deployment's snapshot has no route), the route the deployment established
    /// is removed.
    /// </summary>
    internal async Task RollbackAsync(RegistryDbContext db, Deployment deployment, string cause, long? verdictId, Actor actor, string? reason, CancellationToken cancellationToken)
    {
        deployment.BeginRollback(cause, verdictId);
        audit.Record(db, actor, AuditActions.DeploymentRolledBack, $"deployment:{deployment.Id} {deployment.EnvironmentName}/{deployment.ModelName}",
            model: deployment.ModelName, version: deployment.ToVersion, environment: deployment.EnvironmentName, reason: reason ?? cause);
        var snapshot = await db.Snapshots.AsNoTracking().FirstAsync(s => s.Id == deployment.SnapshotId, cancellationToken);
        var plan = deployment.RollbackSplits(snapshot);
        var route = await ownership.CurrentAsync(deployment, cancellationToken);
        var notOurs = route is not null && plan.Count == 0 && await RouteOwnership.IsForeignAsync(db, deployment, route, cancellationToken);
        if (route is null || notOurs || (plan.Count > 0 && RouteOwnership.SameSplits(route.Splits, plan)))
        {
            var note = route is null && snapshot.Splits.Count == 0
                ? " The deployment had not established its route yet; nothing to remove."
                : route is null
                    ? " The route no longer exists; nothing to write."
                    : notOurs
                        ? $" The route was created outside this deployment (by {route!.UpdatedBy}); it is left as it is."
                        : $" The route already serves {PlannedSplit.Describe(plan)} without {deployment.ToVersion}; nothing to write.";
            Finish(db, deployment, DeploymentStatus.RolledBack, $"Rolled back: {cause.TrimEnd('.')}.{note}", actor);
            await SaveAsync(db, deployment, actor, cancellationToken);
            return;
        }

        var held = snapshot.Splits.Find(s => s.Version == deployment.ToVersion)?.Weight ?? 0;
        var giveBack = held > 0 ? $" ({deployment.ToVersion} had {held}% before the deployment; it gets 0% now)" : "";
        AddEvent(db, deployment, DeploymentEventKind.RolledBack, $"Rolling back to snapshot {snapshot.Id} without {deployment.ToVersion}: {PlannedSplit.Describe(plan)}{giveBack}. Cause: {cause}", actor);
        await ShiftAsync(db, deployment, plan, 0, $"rollback to snapshot {snapshot.Id} without {deployment.ToVersion}", actor, cancellationToken);
    }

    /// <summary>Ends the deployment (unsaved): it stops being active and says why.</summary>
    internal void Finish(RegistryDbContext db, Deployment deployment, DeploymentStatus status, string message, Actor actor)
    {
        deployment.Finish(status, Now);
        var (kind, action) = status switch
        {
            DeploymentStatus.Succeeded => (DeploymentEventKind.Succeeded, AuditActions.DeploymentSucceeded),
            DeploymentStatus.RolledBack => (DeploymentEventKind.RolledBack, (string?)null),
            DeploymentStatus.Aborted => (DeploymentEventKind.Aborted, AuditActions.DeploymentAborted),
            _ => (DeploymentEventKind.Failed, AuditActions.DeploymentFailed),
        };
        AddEvent(db, deployment, kind, message, actor);
        Notify(db, deployment, status switch
        {
            DeploymentStatus.Succeeded => NotificationEvents.DeploymentSucceeded,
            DeploymentStatus.RolledBack => NotificationEvents.DeploymentRolledBack,
            DeploymentStatus.Aborted => NotificationEvents.DeploymentAborted,
            _ => NotificationEvents.DeploymentFailed,
        }, message, actor);
        if (action is not null)
        {
            audit.Record(db, actor, action, $"deployment:{deployment.Id} {deployment.EnvironmentName}/{deployment.ModelName}",
                model: deployment.ModelName, version: deployment.ToVersion, environment: deployment.EnvironmentName, reason: message);
        }
    }

    /// <summary>
    /// The deployment's outcome (or start, or promotion) in the notification outbox, in the same unsaved changes as the
    /// transition itself: what a receiver needs without calling back.
    /// </summary>
    internal void Notify(RegistryDbContext db, Deployment deployment, string type, string summary, Actor actor) =>
        outbox.Add(db, type, new
        {
            summary,
            deploymentId = deployment.Id,
            model = deployment.ModelName,
            version = deployment.ToVersion,
            fromVersion = deployment.FromVersion,
            environment = deployment.EnvironmentName,
            strategy = deployment.Strategy.ToString().ToLowerInvariant(),
            status = deployment.Status.ToString().ToLowerInvariant(),
            trafficPercent = deployment.TrafficPercent,
            rollbackCause = deployment.RollbackCause,
            actor = actor.Name,
        }, deployment.ModelName, deployment.EnvironmentName);

    /// <summary>Starts the deployment's current step (or, at 100%, its watch window) now.</summary>
    internal void StartStep(Deployment deployment) =>
        deployment.StartStep(Now, DeploymentJson.ReadGuard(deployment.GuardRulesJson).WatchSeconds);

    /// <summary>
    /// Ends <paramref name="deployment"/> as aborted (saved) when the route is no longer at the revision it last wrote;
    /// returns whether it did. Called before a forward shift or an operator's promote.
    /// </summary>
    internal async Task<bool> AbortIfRouteMovedAsync(RegistryDbContext db, Deployment deployment, Actor actor, CancellationToken cancellationToken)
    {
        if (await ownership.FindForeignChangeAsync(db, deployment, cancellationToken) is not { } change)
        {
            return false;
        }

        await AbortForForeignChangeAsync(db, deployment, change, actor, cancellationToken);
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
            await AbortForForeignChangeAsync(db, deployment, new ForeignRouteChange(await ownership.CurrentAsync(deployment, cancellationToken), expected), actor, cancellationToken);
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
    private async Task AbortForForeignChangeAsync(RegistryDbContext db, Deployment deployment, ForeignRouteChange change, Actor actor, CancellationToken cancellationToken)
    {
        var who = change.Describe();
        deployment.FallBackToReachedStep();
        AddEvent(db, deployment, DeploymentEventKind.RouteMoved, $"Outside this deployment, {who}.", actor);
        Finish(db, deployment, DeploymentStatus.Aborted,
            $"Aborted at {deployment.TrafficPercent}%: {who}. The route is left as it is now; start a new deployment to continue.", actor);
        await SaveAsync(db, deployment, actor, cancellationToken);
    }
}
