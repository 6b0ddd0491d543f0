using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Audit;

/// <summary>
/// Writes audit entries into the caller's context, so an entry commits in the same transaction as the change it
/// records, and reads them back for the audit page and the version timeline.
/// </summary>
public sealed class AuditLog(IDbContextFactory<RegistryDbContext> dbFactory, TimeProvider clock)
{
    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    /// <summary>The <c>AuditEntries.Reason</c> column's length (SQL Server enforces it; a changelog may be longer).</summary>
    public const int MaxReasonLength = TextLimits.Reason;

    public void Record(
        RegistryDbContext db,
        Actor actor,
        string action,
        string target,
        string? model = null,
        string? version = null,
        string? environment = null,
        string? reason = null,
        object? before = null,
        object? after = null)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            Timestamp = clock.GetUtcNow().UtcDateTime,
            Actor = actor.Name,
            Action = action,
            Target = target,
            ModelName = model,
            Version = version,
            EnvironmentName = environment,
            Reason = reason is { Length: > MaxReasonLength } ? string.Concat(reason.AsSpan(0, MaxReasonLength - 1), "…") : reason,
            Before = before is null ? null : JsonSerializer.Serialize(before, SnapshotJson),
            After = after is null ? null : JsonSerializer.Serialize(after, SnapshotJson),
        });
    }

    public async Task<Paged<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, maxPageSize: 500);
        if (query.From is { } earliest && query.To is { } latest && earliest > latest)
        {
            throw new ValidationFailedException("from", "'from' must not be after 'to'.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Model))
        {
            entries = entries.Where(e => e.ModelName == query.Model);
        }

        if (!string.IsNullOrWhiteSpace(query.Environment))
        {
            entries = entries.Where(e => e.EnvironmentName == query.Environment);
        }

        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            entries = entries.Where(e => e.Actor == query.Actor);
        }

        if (!string.IsNullOrWhiteSpace(query.Version))
        {
            entries = entries.Where(e => e.Version == query.Version);
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            entries = entries.Where(e => e.Action == query.Action);
        }

        if (query.From is { } from)
        {
            entries = entries.Where(e => e.Timestamp >= from);
        }

        if (query.To is { } to)
        {
            entries = entries.Where(e => e.Timestamp <= to);
        }

        var total = await entries.CountAsync(cancellationToken);
        var items = await entries
            .OrderByDescending(e => e.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(cancellationToken);
        return new Paged<AuditRecord>([.. items.Select(AuditRecord.From)], page, pageSize, total);
    }
}
