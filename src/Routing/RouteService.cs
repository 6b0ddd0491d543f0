using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Routing;

/// <summary>
/// The single writer of routes: every split change is validated whole, written atomically with a new revision,
/// audited in the same commit and published live. Concurrent writers are serialised by the revision token.
/// </summary>
public sealed class RouteService(
    IDbContextFactory<RegistryDbContext> dbFactory,
    AuditLog audit,
    IChangeNotifier notifier,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<EnvironmentInfo>> ListEnvironmentsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Environments.AsNoTracking().OrderBy(e => e.Rank).ThenBy(e => e.Name)
            .Select(e => new EnvironmentInfo(e.Name, e.Protected, e.Description))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RouteInfo>> ListAsync(string? environment = null, string? model = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var routes = db.Routes.AsNoTracking();
        if (environment is not null)
        {
            routes = routes.Where(r => r.EnvironmentName == environment);
        }

        if (model is not null)
        {
            routes = routes.Where(r => r.ModelName == model);
        }

        var list = await routes.OrderBy(r => r.ModelName).ThenBy(r => r.EnvironmentName).ToListAsync(cancellationToken);
        return [.. list.Select(RouteInfo.From)];
    }

    /// <summary>The route of (environment, model), or null when none has been established there.</summary>
    public async Task<RouteInfo?> FindAsync(string environment, string model, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var route = await db.Routes.AsNoTracking().FirstOrDefaultAsync(r => r.EnvironmentName == environment && r.ModelName == model, cancellationToken);
        return route is null ? null : RouteInfo.From(route);
    }

    public async Task<RouteInfo> GetAsync(string environment, string model, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await RequireEnvironmentAndModelAsync(db, environment, model, cancellationToken);
        var route = await db.Routes.AsNoTracking().FirstOrDefaultAsync(r => r.EnvironmentName == environment && r.ModelName == model, cancellationToken)
            ?? throw new NotFoundException($"Model '{model}' has no route in '{environment}' yet: no version has been deployed there.");
        return RouteInfo.From(route);
    }

    /// <summary>
    /// Replaces the split of (environment, model). <paramref name="expectedRevision"/> of <c>0</c> means "the route
    /// must not exist yet"; <c>null</c> skips the check (the revision token still guards the write itself).
    /// </summary>
    public Task<RouteInfo> SetSplitsAsync(
        Actor actor,
        string environment,
        string model,
        IReadOnlyList<SplitInfo> splits,
        long? expectedRevision,
        string? reason,
        CancellationToken cancellationToken = default) =>
        SetSplitsAsync(actor, environment, model, splits, expectedRevision, reason, alsoInSameCommit: null, cancellationToken);

    /// <summary>
    /// As the public overload; <paramref name="alsoInSameCommit"/> adds what the caller records about the write (its own
    /// audit entry) to the same commit, so the route never changes without it.
    /// </summary>
    internal async Task<RouteInfo> SetSplitsAsync(
        Actor actor,
        string environment,
        string model,
        IReadOnlyList<SplitInfo> splits,
        long? expectedRevision,
        string? reason,
        Action<RegistryDbContext, RouteInfo>? alsoInSameCommit,
        CancellationToken cancellationToken)
    {
        actor.Demand(ActorRole.Operator, "change routes");
        actor.DemandScope("change routes", model, environment);
        var errors = new ValidationErrors();
        CheckSplits(errors, splits);
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await RequireEnvironmentAndModelAsync(db, environment, model, cancellationToken);
        var names = splits.Select(s => s.Version).ToList();
        var versions = await db.ModelVersions.AsNoTracking()
            .Where(v => v.ModelId == owner.Id && names.Contains(v.Version))
            .ToDictionaryAsync(v => v.Version, v => v.Status, cancellationToken);
        for (var i = 0; i < splits.Count; i++)
        {
            if (!versions.TryGetValue(splits[i].Version, out var status))
            {
                errors.Add($"splits[{i}].version", $"Model '{model}' has no version '{splits[i].Version}'.");
            }
            else if (status == VersionStatus.Archived)
            {
                errors.Add($"splits[{i}].version", $"{model}@{splits[i].Version} is archived and cannot receive traffic.");
            }
        }

        errors.ThrowIfAny();

        var route = await db.Routes.FirstOrDefaultAsync(r => r.EnvironmentName == environment && r.ModelName == model, cancellationToken);
        var currentRevision = route?.Revision ?? 0;
        if (expectedRevision is { } expected && expected != currentRevision)
        {
            throw Stale(environment, model, route, expected);
        }

        var before = route is null ? null : RouteInfo.From(route);
        var now = clock.GetUtcNow().UtcDateTime;
        if (route is null)
        {
            route = new Route { EnvironmentName = environment, ModelName = model, UpdatedBy = actor.Name };
            db.Routes.Add(route);
        }

        route.Splits = [.. splits.Select(s => new RouteSplit { Version = s.Version, Weight = s.Weight })];
        route.Revision = currentRevision + 1;
        route.UpdatedAt = now;
        route.UpdatedBy = actor.Name;
        var after = RouteInfo.From(route);
        audit.Record(db, actor, AuditActions.RouteChanged, $"{environment}/{model}", model: model, version: after.PrimaryVersion,
            environment: environment, reason: reason, before: before, after: after);
        alsoInSameCommit?.Invoke(db, after);
        await SaveOrStaleAsync(db, environment, model, currentRevision, cancellationToken);

        notifier.Publish(new Change(ChangeKind.RouteChanged, model, after.PrimaryVersion, environment));
        return after;
    }

    /// <summary>
    /// Removes the route of (environment, model), so that no version of the model serves there: how a rollback puts
    /// back "no route yet" for a first deployment. Guarded by <paramref name="expectedRevision"/> like a write,
    /// audited in the same commit (with the splits it had) and published live.
    /// </summary>
    public async Task RemoveAsync(Actor actor, string environment, string model, long expectedRevision, string? reason, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "change routes");
        actor.DemandScope("change routes", model, environment);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await RequireEnvironmentAndModelAsync(db, environment, model, cancellationToken);
        var route = await db.Routes.FirstOrDefaultAsync(r => r.EnvironmentName == environment && r.ModelName == model, cancellationToken);
        if (route is null || route.Revision != expectedRevision)
        {
            throw Stale(environment, model, route, expectedRevision);
        }

        var before = RouteInfo.From(route);
        db.Routes.Remove(route);
        audit.Record(db, actor, AuditActions.RouteRemoved, $"{environment}/{model}", model: model, version: before.PrimaryVersion,
            environment: environment, reason: reason, before: before);
        await SaveOrStaleAsync(db, environment, model, expectedRevision, cancellationToken);

        notifier.Publish(new Change(ChangeKind.RouteChanged, model, null, environment));
    }

    internal static void CheckSplits(ValidationErrors errors, IReadOnlyList<SplitInfo>? splits)
    {
        if (splits is null || splits.Count == 0)
        {
            errors.Add("splits", "A route needs at least one (version, weight) split.");
            return;
        }

        for (var i = 0; i < splits.Count; i++)
        {
            if (splits[i].Weight is < 1 or > 100)
            {
                errors.Add($"splits[{i}].weight", $"Weight must be a whole number from 1 to 100 (got {splits[i].Weight}); leave a version out to give it no traffic.");
            }
        }

        if (splits.Select(s => s.Version).Distinct(StringComparer.Ordinal).Count() != splits.Count)
        {
            errors.Add("splits", "Each version may appear only once in a route.");
        }

        var sum = splits.Sum(s => (long)s.Weight);
        if (sum != 100)
        {
            errors.Add("splits", $"Weights must sum to exactly 100 (they sum to {sum}).");
        }
    }

    /// <summary>
    /// Commits the write; when another writer got there first (a concurrency-token miss on update or delete, or the
    /// unique (environment, model) on create) throws the 409 that names who moved the route. A failure that left the
    /// route as expected (a locked database, a deadlock) is not a conflict: it is rethrown as it is.
    /// </summary>
    private async Task SaveOrStaleAsync(RegistryDbContext db, string environment, string model, long expectedRevision, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            var current = await fresh.Routes.AsNoTracking().FirstOrDefaultAsync(r => r.EnvironmentName == environment && r.ModelName == model, cancellationToken);
            if ((current?.Revision ?? 0) == expectedRevision)
            {
                throw;
            }

            throw Stale(environment, model, current, expectedRevision);
        }
    }

    /// <summary>The model registered under <paramref name="model"/>; 404 naming whichever of the two does not exist.</summary>
    internal static async Task<Model> RequireEnvironmentAndModelAsync(RegistryDbContext db, string environment, string model, CancellationToken cancellationToken)
    {
        if (!await db.Environments.AnyAsync(e => e.Name == environment, cancellationToken))
        {
            throw new NotFoundException($"Environment '{environment}' does not exist.");
        }

        return await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Name == model, cancellationToken)
            ?? throw new NotFoundException($"Model '{model}' is not registered.");
    }

    private static ConflictException Stale(string environment, string model, Route? current, long expected) => current is null
        ? new($"Route {environment}/{model} does not exist (expected revision {expected}).")
        : new($"Route {environment}/{model} was changed by {current.UpdatedBy} at {current.UpdatedAt:u}: it is at revision {current.Revision}, not {expected}. Reload and try again.");
}
