using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Registry;

/// <summary>Registers, finds and edits models. Every change is authorised, audited in the same commit, and published.</summary>
public sealed class ModelService(
    IDbContextFactory<RegistryDbContext> dbFactory,
    AuditLog audit,
    IChangeNotifier notifier,
    TimeProvider clock)
{
    public async Task<Paged<ModelSummary>> SearchAsync(ModelQuery query, CancellationToken cancellationToken = default)
    {
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, maxPageSize: 200);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var models = db.Models.AsNoTracking();
        if (RegistryRules.Blank(query.Search) is { } search)
        {
            var pattern = "%" + EscapeLike(search) + "%";
            models = models.Where(m =>
                EF.Functions.Like(m.Name, pattern, "\\")
                || EF.Functions.Like(m.DisplayName, pattern, "\\")
                || (m.Description != null && EF.Functions.Like(m.Description, pattern, "\\")));
        }

        if (RegistryRules.Blank(query.Tag) is { } tag)
        {
            models = models.Where(m => m.Tags.Contains(tag));
        }

        if (RegistryRules.Blank(query.Owner) is { } owner)
        {
            models = models.Where(m => m.Owner == owner);
        }

        models = (query.Sort, query.Descending) switch
        {
            (ModelSort.DisplayName, false) => models.OrderBy(m => m.DisplayName).ThenBy(m => m.Name),
            (ModelSort.DisplayName, true) => models.OrderByDescending(m => m.DisplayName).ThenBy(m => m.Name),
            (ModelSort.Owner, false) => models.OrderBy(m => m.Owner).ThenBy(m => m.Name),
            (ModelSort.Owner, true) => models.OrderByDescending(m => m.Owner).ThenBy(m => m.Name),
            (ModelSort.UpdatedAt, false) => models.OrderBy(m => m.UpdatedAt).ThenBy(m => m.Name),
            (ModelSort.UpdatedAt, true) => models.OrderByDescending(m => m.UpdatedAt).ThenBy(m => m.Name),
            (_, true) => models.OrderByDescending(m => m.Name),
            _ => models.OrderBy(m => m.Name),
        };

        var total = await models.CountAsync(cancellationToken);
        var rows = await models
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(m => new { Model = m, Versions = m.Versions.Select(v => v.Version).ToList() })
            .ToListAsync(cancellationToken);

        var items = rows.Select(r => Summarize(r.Model, r.Versions)).ToList();
        return new Paged<ModelSummary>(items, page, pageSize, total);
    }

    /// <summary>Distinct tags and owners in use, for the catalogue's filters.</summary>
    public async Task<(IReadOnlyList<string> Tags, IReadOnlyList<string> Owners)> ListFacetsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Tags live in a JSON column; SQLite cannot DISTINCT across it in SQL, so the (small) lists are merged here.
        var tagLists = await db.Models.AsNoTracking().Select(m => m.Tags).ToListAsync(cancellationToken);
        var tags = tagLists.SelectMany(t => t).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(500).ToList();
        var owners = await db.Models.Where(m => m.Owner != null).Select(m => m.Owner!).Distinct().OrderBy(o => o).Take(500).ToListAsync(cancellationToken);
        return (tags, owners);
    }

    public async Task<ModelDetails> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.Models.AsNoTracking().Include(m => m.Versions).FirstOrDefaultAsync(m => m.Name == name, cancellationToken)
            ?? throw new NotFoundException($"Model '{name}' is not registered.");
        var routes = await db.Routes.AsNoTracking().Where(r => r.ModelName == name).ToListAsync(cancellationToken);
        var ranks = await db.Environments.AsNoTracking().ToDictionaryAsync(e => e.Name, e => e.Rank, cancellationToken);

        return new ModelDetails(
            model.Name,
            model.DisplayName,
            model.Description,
            model.Owner,
            model.Tags,
            model.CreatedAt,
            model.CreatedBy,
            model.UpdatedAt,
            model.UpdatedBy,
            model.ConcurrencyStamp,
            [.. SemanticVersion.NewestFirst(model.Versions, v => v.Version).Select(v => VersionInfo.From(model.Name, v))],
            [.. routes.OrderBy(r => ranks.GetValueOrDefault(r.EnvironmentName)).Select(RouteInfo.From)]);
    }

    public async Task<ModelSummary> RegisterAsync(Actor actor, RegisterModelRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Automation, "register models");
        var tags = RegistryRules.NormalizeTags(request.Tags);
        var errors = new ValidationErrors();
        if (RegistryRules.ModelNameProblem(request.Name) is { } nameProblem)
        {
            errors.Add("name", nameProblem);
        }

        errors.MaxLength("displayName", request.DisplayName, TextLimits.DisplayName);
        errors.MaxLength("description", request.Description, TextLimits.Description);
        errors.MaxLength("owner", request.Owner, TextLimits.Owner);
        RegistryRules.CheckTags(errors, tags);
        errors.ThrowIfAny();

        var name = request.Name!;
        var now = clock.GetUtcNow().UtcDateTime;
        var model = new Model
        {
            Name = name,
            DisplayName = RegistryRules.Blank(request.DisplayName) ?? name,
            Description = RegistryRules.Blank(request.Description),
            Owner = RegistryRules.Blank(request.Owner),
            Tags = tags,
            CreatedAt = now,
            CreatedBy = actor.Name,
            UpdatedAt = now,
            UpdatedBy = actor.Name,
        };

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Models.AnyAsync(m => m.Name == name, cancellationToken))
        {
            throw Duplicate(name);
        }

        db.Models.Add(model);
        var summary = Summarize(model, []);
        audit.Record(db, actor, AuditActions.ModelRegistered, name, model: name, after: summary);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Lost a race with another registration of the same name: report it as the duplicate it is.
            if (await ExistsAsync(name, cancellationToken))
            {
                throw Duplicate(name);
            }

            throw;
        }

        notifier.Publish(new Change(ChangeKind.ModelRegistered, name));
        return summary;
    }

    public async Task<ModelSummary> UpdateAsync(Actor actor, string name, UpdateModelRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "edit models");
        var tags = request.Tags is null ? null : RegistryRules.NormalizeTags(request.Tags);
        var errors = new ValidationErrors();
        if (request.DisplayName is { } displayName && string.IsNullOrWhiteSpace(displayName))
        {
            errors.Add("displayName", "'displayName' cannot be blank; leave it out to keep the current one.");
        }

        errors.MaxLength("displayName", request.DisplayName, TextLimits.DisplayName);
        errors.MaxLength("description", request.Description, TextLimits.Description);
        errors.MaxLength("owner", request.Owner, TextLimits.Owner);
        RegistryRules.CheckTags(errors, tags);
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.Models.Include(m => m.Versions).FirstOrDefaultAsync(m => m.Name == name, cancellationToken)
            ?? throw new NotFoundException($"Model '{name}' is not registered.");
        var versions = model.Versions.Select(v => v.Version).ToList();
        if (request.ConcurrencyStamp is { } expected && expected != model.ConcurrencyStamp)
        {
            throw StaleModel(model);
        }

        var before = Summarize(model, versions);
        if (request.DisplayName is not null)
        {
            model.DisplayName = request.DisplayName.Trim();
        }

        if (request.Description is not null)
        {
            model.Description = RegistryRules.Blank(request.Description);
        }

        if (request.Owner is not null)
        {
            model.Owner = RegistryRules.Blank(request.Owner);
        }

        if (tags is not null)
        {
            model.Tags = tags;
        }

        model.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        model.UpdatedBy = actor.Name;
        model.ConcurrencyStamp++;
        var after = Summarize(model, versions);
        audit.Record(db, actor, AuditActions.ModelUpdated, name, model: name, before: before, after: after);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            throw StaleModel(await fresh.Models.AsNoTracking().FirstAsync(m => m.Name == name, cancellationToken));
        }

        notifier.Publish(new Change(ChangeKind.ModelUpdated, name));
        return after;
    }

    private async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Models.AnyAsync(m => m.Name == name, cancellationToken);
    }

    private static ConflictException Duplicate(string name) =>
        new($"A model named '{name}' is already registered; model names are unique and never reused.", "name");

    private static ConflictException StaleModel(Model current) =>
        new($"Model '{current.Name}' was changed by {current.UpdatedBy} at {current.UpdatedAt:u} (now at stamp {current.ConcurrencyStamp}); reload it and apply your edit again.");

    private static ModelSummary Summarize(Model model, List<string> versions) => new(
        model.Name,
        model.DisplayName,
        model.Description,
        model.Owner,
        model.Tags,
        versions.Count,
        versions.Count == 0 ? null : versions.Max(SemanticVersion.Precedence),
        model.CreatedAt,
        model.CreatedBy,
        model.UpdatedAt,
        model.UpdatedBy,
        model.ConcurrencyStamp);

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
