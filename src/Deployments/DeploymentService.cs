using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

using ModelRegistry.Dashboard.Notifications;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// Launches deployments under the safety rules (with their automatic snapshot, in one transaction), and the operator's
/// commands on them: promote, pause, resume, roll back. Every command is authorised (Operator), audited and published;
/// <c>expectedStamp</c> turns a concurrent change into a 409 naming who made it. The orchestrator does the rest.
/// </summary>
public sealed class DeploymentService(
    IDbContextFactory<RegistryDbContext> dbFactory,
    DeploymentTransitions transitions,
    SnapshotService snapshots,
    AuditLog audit,
    IChangeNotifier notifier,
    IMetricsReader metrics,
    OrchestratorPulse pulse,
    IOptionsMonitor<DeploymentOptions> options)
{
    public async Task<IReadOnlyList<DeploymentSummary>> ListAsync(DeploymentQuery query, CancellationToken cancellationToken = default)
    {
        DeploymentStatus? status = null;
        if (!string.IsNullOrWhiteSpace(query.Status))
        {
            status = EnumText.Parse<DeploymentStatus>(query.Status)
                ?? throw new ValidationFailedException("status", $"'status' must be one of {EnumText.Names<DeploymentStatus>()} (got '{query.Status}').");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deployments = db.Deployments.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Model))
        {
            deployments = deployments.Where(d => d.ModelName == query.Model);
        }

        if (!string.IsNullOrWhiteSpace(query.Environment))
        {
            deployments = deployments.Where(d => d.EnvironmentName == query.Environment);
        }

        if (status is { } wanted)
        {
            deployments = deployments.Where(d => d.Status == wanted);
        }

        var list = await deployments.OrderByDescending(d => d.Id).Take(500).ToListAsync(cancellationToken);
        return [.. list.Select(DeploymentSummary.From)];
    }

    public async Task<DeploymentInfo> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deployment = await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken) ?? throw Unknown(id);
        var events = await db.DeploymentEvents.AsNoTracking().Where(e => e.DeploymentId == id).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var verdicts = await db.Verdicts.AsNoTracking().Where(v => v.DeploymentId == id).OrderBy(v => v.Id).ToListAsync(cancellationToken);
        var info = DeploymentInfo.From(deployment, events, verdicts);
        return info with { Analysis = Analyze(info) };
    }

    /// <summary>
    /// The live evaluation of <paramref name="deployment"/> as it is now (memory only: a page may call it every second
    /// on the deployment it last read); null once it has finished.
    /// </summary>
    public DeploymentAnalysis? Analyze(DeploymentInfo deployment) =>
        DeploymentAnalysis.Of(deployment, metrics, pulse.LastPassAt, options.CurrentValue, transitions.Now);

    public async Task<DeploymentInfo> CreateAsync(Actor actor, CreateDeploymentRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "launch deployments");
        var (strategy, steps, stepSeconds, guard) = DeploymentRequestRules.Validate(request);
        var (model, version, environment) = (request.Model!.Trim(), request.Version!.Trim(), request.Environment!.Trim());
        actor.DemandScope("launch deployments", model, environment);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await RouteService.RequireEnvironmentAndModelAsync(db, environment, model, cancellationToken);
        var env = await db.Environments.AsNoTracking().FirstAsync(e => e.Name == environment, cancellationToken);
        var target = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Model!.Name == model && v.Version == version, cancellationToken)
            ?? throw new NotFoundException($"Model '{model}' has no version '{version}': register it first.");
        if (target.Status == VersionStatus.Archived)
        {
            throw new ValidationFailedException("version", $"{model}@{version} is archived and cannot receive traffic: set its status back to active, or deploy another version.");
        }

        var scope = Deployment.ScopeOf(environment, model);
        if (await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.ActiveScope == scope, cancellationToken) is { } active)
        {
            throw AlreadyActive(active);
        }

        var route = await db.Routes.AsNoTracking().FirstOrDefaultAsync(r => r.EnvironmentName == environment && r.ModelName == model, cancellationToken);
        // The same "serving" version the wizard shows (and plans its rollback preview from).
        var stable = route is null ? null : RouteInfo.From(route).PrimaryVersion;
        if (stable == version && route!.Splits.Count == 1)
        {
            throw new ConflictException($"{environment}/{model} already serves {version} at 100%: there is nothing to deploy.", "version");
        }

        if (stable is not null && stable != version)
        {
            var compatibility = Compatibility.Between(stable, version);
            if (!compatibility.Compatible && request.AcknowledgeBreakingChange != true)
            {
                throw new ValidationFailedException("acknowledgeBreakingChange",
                    $"{compatibility.Reason} Set 'acknowledgeBreakingChange' to true once clients are ready for {version}.");
            }

            if (!compatibility.Compatible && env.Protected && strategy == DeploymentStrategy.Direct)
            {
                throw new ValidationFailedException("strategy",
                    $"A breaking change into protected '{environment}' cannot be deployed directly: use blueGreen or canary so it can be rolled back before everyone is on it.");
            }
        }

        if (env.Protected)
        {
            await ProtectedEnvironmentGate.RequireEvidenceAsync(db, environment, model, version, cancellationToken);
        }

        var now = transitions.Now;
        var guardJson = DeploymentJson.Write(guard);
        var reason = RegistryRules.Blank(request.Reason);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var snapshot = await snapshots.CaptureAsync(db, environment, model, guardJson, actor, $"Before deploying {version}" + (reason is null ? "" : $": {reason}"), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        var deployment = Deployment.Launch(model, environment, strategy, fromVersion: stable == version ? null : stable, version, steps, stepSeconds, guardJson,
            snapshot.Id, actor.Name, reason, request.AcknowledgeBreakingChange == true, currentTargetPercent: route?.Splits.Find(s => s.Version == version)?.Weight ?? 0, now);
        db.Deployments.Add(deployment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique ActiveScope: another deployment of (environment, model) was launched a moment ago.
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            var winner = await fresh.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.ActiveScope == scope, cancellationToken);
            throw winner is null ? new ConflictException($"Another deployment of {scope} was launched at the same time; reload and try again.") : AlreadyActive(winner);
        }

        snapshot.DeploymentId = deployment.Id;
        var plan = strategy == DeploymentStrategy.Canary ? $"canary {string.Join(" → ", steps)}%, {stepSeconds} s per step" : strategy.ToString();
        transitions.AddEvent(db, deployment, DeploymentEventKind.Created,
            $"{actor.Name} deploys {version} to {environment} ({plan}), from {stable ?? "no route yet"}; snapshot {snapshot.Id} taken.", actor);
        audit.Record(db, actor, AuditActions.DeploymentCreated, $"deployment:{deployment.Id} {scope}", model: model, version: version,
            environment: environment, reason: reason, after: DeploymentSummary.From(deployment));
        transitions.Notify(db, deployment, NotificationEvents.DeploymentStarted, $"{actor.Name} deploys {model}@{version} to {environment} ({plan}), from {stable ?? "no route yet"}.", actor);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish(new Change(ChangeKind.DeploymentChanged, model, version, environment));
        notifier.Publish(new Change(ChangeKind.SnapshotChanged, model, Environment: environment));
        return await GetAsync(deployment.Id, cancellationToken);
    }

    /// <summary>Moves a canary to its next step now (or with <paramref name="full"/> to 100%); at 100% ends the watch as succeeded.</summary>
    public Task<DeploymentInfo> PromoteAsync(Actor actor, long id, bool full, int? expectedStamp = null, CancellationToken cancellationToken = default) =>
        CommandAsync(actor, id, expectedStamp, "promote deployments", async (db, deployment) =>
        {
            RequireStatus(deployment, "promote", DeploymentStatus.Progressing, DeploymentStatus.Paused);
            if (deployment.PlannedSplits is not null)
            {
                throw new ConflictException($"Deployment {deployment.Id} is in the middle of a traffic shift; try again in a moment.");
            }

            if (deployment.TrafficPercent < 100 && await transitions.AbortIfRouteMovedAsync(db, deployment, DeploymentTransitions.Orchestrator, cancellationToken))
            {
                throw new ConflictException($"Deployment {deployment.Id} was aborted instead of promoted: the route was changed outside it (see its timeline). Nothing was promoted.");
            }

            var percent = deployment.Promote(full);
            audit.Record(db, actor, AuditActions.DeploymentPromoted, Target(deployment), model: deployment.ModelName, version: deployment.ToVersion,
                environment: deployment.EnvironmentName, reason: full ? "promote to 100%" : "promote to the next step");
            if (percent is { } promotedTo)
            {
                transitions.Notify(db, deployment, NotificationEvents.DeploymentPromoted, $"{actor.Name} promoted {deployment.ModelName}@{deployment.ToVersion} in {deployment.EnvironmentName} to {promotedTo}%.", actor);
            }

            if (percent is not { } next)
            {
                transitions.Finish(db, deployment, DeploymentStatus.Succeeded, $"Promoted by {actor.Name} before the end of the watch window.", actor);
                await transitions.SaveAsync(db, deployment, actor, cancellationToken);
                return;
            }

            transitions.AddEvent(db, deployment, DeploymentEventKind.Promoted, $"{actor.Name} promoted to {next}%.", actor);
            if (!await transitions.ShiftAsync(db, deployment, deployment.SplitsFor(next), next, $"promoted by {actor.Name}", actor, cancellationToken))
            {
                return;
            }

            transitions.StartStep(deployment);
            await transitions.SaveAsync(db, deployment, actor, cancellationToken);
        }, cancellationToken);

    /// <summary>Holds a progressing deployment at its current traffic. Verdicts are still taken; a failing one still rolls back when AutoRollback is on.</summary>
    public Task<DeploymentInfo> PauseAsync(Actor actor, long id, int? expectedStamp = null, CancellationToken cancellationToken = default) =>
        CommandAsync(actor, id, expectedStamp, "pause deployments", async (db, deployment) =>
        {
            RequireStatus(deployment, "pause", DeploymentStatus.Progressing);
            deployment.Pause();
            transitions.AddEvent(db, deployment, DeploymentEventKind.Paused, $"{actor.Name} paused at {deployment.TrafficPercent}%.", actor);
            audit.Record(db, actor, AuditActions.DeploymentPaused, Target(deployment), model: deployment.ModelName, version: deployment.ToVersion, environment: deployment.EnvironmentName);
            await transitions.SaveAsync(db, deployment, actor, cancellationToken);
        }, cancellationToken);

    /// <summary>Continues a paused deployment; the current step (or watch window) bakes again from now.</summary>
    public Task<DeploymentInfo> ResumeAsync(Actor actor, long id, int? expectedStamp = null, CancellationToken cancellationToken = default) =>
        CommandAsync(actor, id, expectedStamp, "resume deployments", async (db, deployment) =>
        {
            RequireStatus(deployment, "resume", DeploymentStatus.Paused);
            deployment.Resume(transitions.Now, DeploymentJson.ReadGuard(deployment.GuardRulesJson).WatchSeconds);
            transitions.AddEvent(db, deployment, DeploymentEventKind.Resumed, $"{actor.Name} resumed at {deployment.TrafficPercent}%; the step bakes again from now.", actor);
            audit.Record(db, actor, AuditActions.DeploymentResumed, Target(deployment), model: deployment.ModelName, version: deployment.ToVersion, environment: deployment.EnvironmentName);
            await transitions.SaveAsync(db, deployment, actor, cancellationToken);
        }, cancellationToken);

    /// <summary>Returns the route to the pre-deployment snapshot in one write. A reason is required; metrics are never consulted.</summary>
    public Task<DeploymentInfo> RollbackAsync(Actor actor, long id, string? reason, int? expectedStamp = null, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "roll back deployments");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationFailedException("reason", "'reason' is required: say why the deployment is rolled back.");
        }

        ValidationErrors.ThrowIfLonger("reason", reason.Trim(), TextLimits.RollbackReason);

        return CommandAsync(actor, id, expectedStamp, "roll back deployments", async (db, deployment) =>
        {
            if (!deployment.IsActive)
            {
                throw new ConflictException($"Deployment {deployment.Id} is already {deployment.Status} (last changed by {deployment.UpdatedBy} at {deployment.UpdatedAt:u}).");
            }

            await transitions.RollbackAsync(db, deployment, $"manual rollback by {actor.Name}: {reason.Trim()}", verdictId: null, actor, reason.Trim(), cancellationToken);
        }, cancellationToken);
    }

    private async Task<DeploymentInfo> CommandAsync(
        Actor actor, long id, int? expectedStamp, string action, Func<RegistryDbContext, Deployment, Task> command, CancellationToken cancellationToken)
    {
        actor.Demand(ActorRole.Operator, action);
        await transitions.LockedAsync(id, async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var deployment = await db.Deployments.FirstOrDefaultAsync(d => d.Id == id, cancellationToken) ?? throw Unknown(id);
            actor.DemandScope(action, deployment.ModelName, deployment.EnvironmentName);
            if (expectedStamp is { } expected && expected != deployment.ConcurrencyStamp)
            {
                throw DeploymentTransitions.Stale(deployment);
            }

            await command(db, deployment);
            return true;
        }, cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    private static void RequireStatus(Deployment deployment, string verb, params DeploymentStatus[] allowed)
    {
        if (!allowed.Contains(deployment.Status))
        {
            throw new ConflictException(
                $"Deployment {deployment.Id} is {deployment.Status} (last changed by {deployment.UpdatedBy} at {deployment.UpdatedAt:u}); only a {string.Join(" or ", allowed)} deployment can be {verb}d.");
        }
    }

    private static ConflictException AlreadyActive(Deployment active) => new(
        $"Deployment {active.Id} of {active.ToVersion} to {active.EnvironmentName}/{active.ModelName} is still {active.Status} (started by {active.CreatedBy} at {active.CreatedAt:u}). " +
        "Wait for it to finish, or roll it back, before starting another.");

    private static string Target(Deployment d) => $"deployment:{d.Id} {d.EnvironmentName}/{d.ModelName}";

    private static NotFoundException Unknown(long id) => new($"Deployment {id} does not exist.");
}
