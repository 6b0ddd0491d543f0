using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// Takes snapshots (automatically before every deployment, by hand through here), compares them with the current route,
/// and restores them: a restore is a rollback in one <see cref="RouteService"/> write.
/// </summary>
public sealed class SnapshotService(
    IDbContextFactory<RegistryDbContext> dbFactory,
    RouteService routes,
    AuditLog audit,
    IChangeNotifier notifier,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<SnapshotInfo>> ListAsync(string? model = null, string? environment = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var snapshots = db.Snapshots.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(model))
        {
            snapshots = snapshots.Where(s => s.ModelName == model);
        }

        if (!string.IsNullOrWhiteSpace(environment))
        {
            snapshots = snapshots.Where(s => s.EnvironmentName == environment);
        }

        var list = await snapshots.OrderByDescending(s => s.Id).Take(500).ToListAsync(cancellationToken);
        return [.. list.Select(SnapshotInfo.From)];
    }

    public async Task<SnapshotInfo> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return SnapshotInfo.From(await FindAsync(db, id, cancellationToken));
    }

    /// <summary>The snapshot against the route as it is now.</summary>
    public async Task<SnapshotDiff> DiffAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var snapshot = await FindAsync(db, id, cancellationToken);
        var current = await db.Routes.AsNoTracking()
            .FirstOrDefaultAsync(r => r.EnvironmentName == snapshot.EnvironmentName && r.ModelName == snapshot.ModelName, cancellationToken);
        var now = current?.Splits.ToDictionary(s => s.Version, s => s.Weight) ?? [];
        var then = snapshot.Splits.ToDictionary(s => s.Version, s => s.Weight);
        var changes = then.Keys.Union(now.Keys).Order(StringComparer.Ordinal)
            .Select(v => new SplitChange(v, then.GetValueOrDefault(v), now.GetValueOrDefault(v)))
            .Where(c => c.SnapshotWeight != c.CurrentWeight)
            .ToList();
        return new SnapshotDiff(id, changes.Count == 0, snapshot.RouteRevision, current?.Revision,
            [.. (current?.Splits ?? []).OrderByDescending(s => s.Weight).Select(s => new SnapshotSplit(s.Version, s.Weight))], changes);
    }

    public async Task<SnapshotInfo> TakeAsync(Actor actor, TakeSnapshotRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "take snapshots");
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            errors.Add("model", "'model' is required.");
        }

        if (string.IsNullOrWhiteSpace(request.Environment))
        {
            errors.Add("environment", "'environment' is required, e.g. production.");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add("reason", "'reason' is required: say why this point is worth keeping.");
        }

        errors.MaxLength("reason", request.Reason, AuditLog.MaxReasonLength);
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (environment, model) = (request.Environment!.Trim(), request.Model!.Trim());
        await RouteService.RequireEnvironmentAndModelAsync(db, environment, model, cancellationToken);
        var snapshot = await CaptureAsync(db, environment, model, guardRulesJson: null, actor, request.Reason!.Trim(), cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        var info = SnapshotInfo.From(snapshot);
        audit.Record(db, actor, AuditActions.SnapshotTaken, $"snapshot:{snapshot.Id} {environment}/{model}", model: model, environment: environment,
            reason: snapshot.Reason, after: info);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish(new Change(ChangeKind.SnapshotChanged, model, Environment: environment));
        return info;
    }

    /// <summary>
    /// Puts the route back to the snapshot in one write. Refused while a deployment is active there (roll that back
    /// instead) and for a snapshot taken before any route existed (there is nothing to put back).
    /// </summary>
    public async Task<RouteInfo> RestoreAsync(Actor actor, long id, string? reason, long? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "restore snapshots");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationFailedException("reason", "'reason' is required: say why the route goes back to this snapshot.");
        }

        // Refused, not silently cut to the audit column.
        ValidationErrors.ThrowIfLonger("reason", reason, AuditLog.MaxReasonLength);

        Snapshot snapshot;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            snapshot = await FindAsync(db, id, cancellationToken);
            var scope = Deployment.ScopeOf(snapshot.EnvironmentName, snapshot.ModelName);
            if (await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.ActiveScope == scope, cancellationToken) is { } active)
            {
                throw new ConflictException(
                    $"Deployment {active.Id} ({active.ToVersion}, started by {active.CreatedBy}) is active on {scope}: roll it back instead of restoring a snapshot.");
            }

            var names = snapshot.Versions.ToList();
            var archived = await db.ModelVersions.AsNoTracking()
                .Where(v => v.Model!.Name == snapshot.ModelName && names.Contains(v.Version) && v.Status == VersionStatus.Archived)
                .Select(v => v.Version).ToListAsync(cancellationToken);
            if (archived.Count > 0)
            {
                throw new ConflictException(
                    $"{snapshot.ModelName}@{string.Join(", ", archived)} is archived since snapshot {id} was taken and cannot receive traffic: un-archive it first, or restore a later snapshot.");
            }
        }

        if (snapshot.Splits.Count == 0)
        {
            throw new ConflictException($"Snapshot {id} was taken before {snapshot.EnvironmentName}/{snapshot.ModelName} had a route: there is no split to restore.");
        }

        var why = reason.Trim();
        var route = await routes.SetSplitsAsync(actor, snapshot.EnvironmentName, snapshot.ModelName,
            [.. snapshot.Splits.Select(s => new SplitInfo(s.Version, s.Weight))], expectedRevision, $"Restored snapshot {id}: {why}",
            (db, after) => audit.Record(db, actor, AuditActions.SnapshotRestored, $"snapshot:{id} {snapshot.EnvironmentName}/{snapshot.ModelName}",
                model: snapshot.ModelName, version: after.PrimaryVersion, environment: snapshot.EnvironmentName, reason: why, after: after),
            cancellationToken);
        notifier.Publish(new Change(ChangeKind.SnapshotChanged, snapshot.ModelName, route.PrimaryVersion, snapshot.EnvironmentName));
        return route;
    }

    /// <summary>Adds (unsaved) a snapshot of the route of (environment, model) as it is in <paramref name="db"/> now.</summary>
    internal async Task<Snapshot> CaptureAsync(
        RegistryDbContext db, string environment, string model, string? guardRulesJson, Actor actor, string reason, CancellationToken cancellationToken)
    {
        var route = await db.Routes.AsNoTracking().FirstOrDefaultAsync(r => r.EnvironmentName == environment && r.ModelName == model, cancellationToken);
        var splits = route?.Splits.OrderByDescending(s => s.Weight).Select(s => new PlannedSplit { Version = s.Version, Weight = s.Weight }).ToList() ?? [];
        var snapshot = new Snapshot
        {
            EnvironmentName = environment,
            ModelName = model,
            Splits = splits,
            RouteRevision = route?.Revision ?? 0,
            Versions = [.. splits.Select(s => s.Version)],
            GuardRulesJson = guardRulesJson,
            TakenAt = clock.GetUtcNow().UtcDateTime,
            TakenBy = actor.Name,
            Reason = reason.Length > AuditLog.MaxReasonLength ? reason[..AuditLog.MaxReasonLength] : reason,
        };
        db.Snapshots.Add(snapshot);
        return snapshot;
    }

    private static async Task<Snapshot> FindAsync(RegistryDbContext db, long id, CancellationToken cancellationToken) =>
        await db.Snapshots.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken)
        ?? throw new NotFoundException($"Snapshot {id} does not exist.");
}
