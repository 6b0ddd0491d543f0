using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Registry;

/// <summary>Registers and edits model versions. Number and endpoint are immutable; description, tags and status are not.</summary>
public sealed class VersionService(
    IDbContextFactory<RegistryDbContext> dbFactory,
    AuditLog audit,
    IChangeNotifier notifier,
    EndpointGuard endpoints,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<VersionInfo>> ListAsync(string model, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await FindModelAsync(db, model, cancellationToken);
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == owner.Id).ToListAsync(cancellationToken);
        return [.. SemanticVersion.NewestFirst(versions, v => v.Version).Select(v => VersionInfo.From(model, v))];
    }

    public async Task<VersionInfo> GetAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await FindModelAsync(db, model, cancellationToken);
        var found = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelId == owner.Id && v.Version == version, cancellationToken)
            ?? throw UnknownVersion(model, version);
        return VersionInfo.From(model, found);
    }

    public async Task<VersionInfo> RegisterAsync(Actor actor, string model, RegisterVersionRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Automation, "register versions");
        actor.DemandScope("register versions", model, environment: null);
        var tags = RegistryRules.NormalizeTags(request.Tags);
        var errors = new ValidationErrors();
        if (!SemanticVersion.TryParse(request.Version, out _, out var versionProblem))
        {
            errors.Add("version", versionProblem!);
        }

        if (RegistryRules.EndpointProblem(request.Endpoint) is { } endpointProblem)
        {
            errors.Add("endpoint", endpointProblem);
        }
        else if (endpoints.RegistrationProblem(request.Endpoint!.Trim()) is { } forbidden)
        {
            errors.Add("endpoint", forbidden);
        }

        errors.MaxLength("description", request.Description, TextLimits.Description);
        errors.MaxLength("changelog", request.Changelog, TextLimits.Changelog);
        RegistryRules.CheckTags(errors, tags);
        RegistryRules.CheckMetadata(errors, request.Metadata);
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await FindModelAsync(db, model, cancellationToken);
        var number = request.Version!;
        if (await db.ModelVersions.AnyAsync(v => v.ModelId == owner.Id && v.Version == number, cancellationToken))
        {
            throw Duplicate(model, number);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var metadata = request.Metadata ?? new VersionMetadata();
        var entity = new ModelVersion
        {
            ModelId = owner.Id,
            Version = number,
            Endpoint = request.Endpoint!.Trim(),
            Provider = RegistryRules.Blank(metadata.Provider),
            ContextWindow = metadata.ContextWindow,
            InputPricePer1k = metadata.InputPricePer1k,
            OutputPricePer1k = metadata.OutputPricePer1k,
            UpstreamModel = RegistryRules.Blank(metadata.UpstreamModel),
            Description = RegistryRules.Blank(request.Description),
            Changelog = RegistryRules.Blank(request.Changelog),
            Tags = tags,
            CreatedAt = now,
            CreatedBy = actor.Name,
            UpdatedAt = now,
            UpdatedBy = actor.Name,
        };
        db.ModelVersions.Add(entity);
        var info = VersionInfo.From(model, entity);
        audit.Record(db, actor, AuditActions.VersionRegistered, $"{model}@{number}", model: model, version: number, reason: entity.Changelog, after: info);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (await ExistsAsync(owner.Id, number, cancellationToken))
            {
                throw Duplicate(model, number);
            }

            throw;
        }

        notifier.Publish(new Change(ChangeKind.VersionRegistered, model, number));
        return info;
    }

    public async Task<VersionInfo> UpdateAsync(Actor actor, string model, string version, UpdateVersionRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "edit versions");
        actor.DemandScope("edit versions", model, environment: null);
        var tags = request.Tags is null ? null : RegistryRules.NormalizeTags(request.Tags);
        var errors = new ValidationErrors();
        var status = RegistryRules.ParseStatus(request.Status);
        if (request.Status is not null && status is null)
        {
            errors.Add("status", $"'status' must be active, deprecated or archived (got '{request.Status}').");
        }

        errors.MaxLength("description", request.Description, TextLimits.Description);
        RegistryRules.CheckTags(errors, tags);
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await FindModelAsync(db, model, cancellationToken);
        var entity = await db.ModelVersions.FirstOrDefaultAsync(v => v.ModelId == owner.Id && v.Version == version, cancellationToken)
            ?? throw UnknownVersion(model, version);
        if (request.ConcurrencyStamp is { } expected && expected != entity.ConcurrencyStamp)
        {
            throw Stale(model, entity);
        }

        if (status == VersionStatus.Archived && entity.Status != VersionStatus.Archived)
        {
            var serving = await db.Routes.AsNoTracking().Where(r => r.ModelName == model).ToListAsync(cancellationToken);
            var environments = serving.Where(r => r.Splits.Any(s => s.Version == version && s.Weight > 0)).Select(r => r.EnvironmentName).ToList();
            if (environments.Count > 0)
            {
                throw new ConflictException(
                    $"{model}@{version} cannot be archived: it serves traffic in {string.Join(", ", environments)}. Move its traffic to another version first.",
                    "status");
            }
        }

        var before = VersionInfo.From(model, entity);
        if (request.Description is not null)
        {
            entity.Description = RegistryRules.Blank(request.Description);
        }

        if (tags is not null)
        {
            entity.Tags = tags;
        }

        if (status is { } newStatus)
        {
            entity.Status = newStatus;
        }

        entity.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        entity.UpdatedBy = actor.Name;
        entity.ConcurrencyStamp++;
        var after = VersionInfo.From(model, entity);
        audit.Record(db, actor, AuditActions.VersionUpdated, $"{model}@{version}", model: model, version: version, before: before, after: after);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            throw Stale(model, await fresh.ModelVersions.AsNoTracking().FirstAsync(v => v.Id == entity.Id, cancellationToken));
        }

        notifier.Publish(new Change(ChangeKind.VersionUpdated, model, version));
        return after;
    }

    public async Task<Compatibility> CheckCompatibilityAsync(string model, string? from, string? to, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        if (!SemanticVersion.TryParse(from, out _, out var fromProblem))
        {
            errors.Add("from", fromProblem!.Replace("A version number", "'from'", StringComparison.Ordinal));
        }

        if (!SemanticVersion.TryParse(to, out _, out var toProblem))
        {
            errors.Add("to", toProblem!.Replace("A version number", "'to'", StringComparison.Ordinal));
        }

        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await FindModelAsync(db, model, cancellationToken);
        foreach (var number in new[] { from!, to! })
        {
            if (!await db.ModelVersions.AnyAsync(v => v.ModelId == owner.Id && v.Version == number, cancellationToken))
            {
                throw UnknownVersion(model, number);
            }
        }

        return Compatibility.Between(from!, to!);
    }

    private static async Task<Model> FindModelAsync(RegistryDbContext db, string model, CancellationToken cancellationToken) =>
        await db.Models.FirstOrDefaultAsync(m => m.Name == model, cancellationToken)
        ?? throw new NotFoundException($"Model '{model}' is not registered.");

    private async Task<bool> ExistsAsync(int modelId, string version, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ModelVersions.AnyAsync(v => v.ModelId == modelId && v.Version == version, cancellationToken);
    }

    private static NotFoundException UnknownVersion(string model, string version) =>
        new($"Model '{model}' has no version '{version}'.");

    private static ConflictException Duplicate(string model, string version) =>
        new($"{model}@{version} is already registered; a version number is immutable and cannot be registered twice.", "version");

    private static ConflictException Stale(string model, ModelVersion current) =>
        new($"{model}@{current.Version} was changed by {current.UpdatedBy} at {current.UpdatedAt:u} (now at stamp {current.ConcurrencyStamp}); reload it and apply your edit again.");
}
