using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;

using ModelRegistry.Dashboard.Notifications;

namespace ModelRegistry.Dashboard.Alerts;

/// <summary>Reads alerts and acknowledges them. Firing and resolving belong to <see cref="AlertEvaluator"/> alone.</summary>
public sealed class AlertService(
    IDbContextFactory<RegistryDbContext> dbFactory,
    AuditLog audit,
    IChangeNotifier notifier,
    NotificationOutbox outbox,
    TimeProvider clock)
{
    public async Task<Paged<AlertInfo>> ListAsync(
        AlertState? state = null,
        string? model = null,
        string? environment = null,
        int page = 1,
        int pageSize = 100,
        CancellationToken cancellationToken = default)
    {
        (page, pageSize) = Paging.Validate(page, pageSize, maxPageSize: 500);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alerts = db.Alerts.AsNoTracking();
        if (state is { } s)
        {
            alerts = alerts.Where(a => a.State == s);
        }

        if (!string.IsNullOrWhiteSpace(model))
        {
            alerts = alerts.Where(a => a.ModelName == model);
        }

        if (!string.IsNullOrWhiteSpace(environment))
        {
            alerts = alerts.Where(a => a.EnvironmentName == environment);
        }

        var total = await alerts.CountAsync(cancellationToken);
        var items = await alerts.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Paged<AlertInfo>([.. items.Select(AlertInfo.From)], page, pageSize, total);
    }

    public async Task<AlertInfo> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw Unknown(id);
        return AlertInfo.From(alert);
    }

    public async Task<AlertInfo> AcknowledgeAsync(Actor actor, long id, AcknowledgeAlertRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "acknowledge alerts");
        var errors = new ValidationErrors();
        errors.MaxLength("note", request.Note, 2000);
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw Unknown(id);
        if (request.ConcurrencyStamp is { } expected && expected != alert.ConcurrencyStamp)
        {
            throw Stale(alert);
        }

        if (alert.State != AlertState.Firing)
        {
            throw new ConflictException(alert.State == AlertState.Acknowledged
                ? $"Alert {id} was already acknowledged by {alert.AcknowledgedBy} at {alert.AcknowledgedAt:u}."
                : $"Alert {id} resolved at {alert.ResolvedAt:u}; there is nothing to acknowledge.");
        }

        var before = AlertInfo.From(alert);
        alert.State = AlertState.Acknowledged;
        alert.AcknowledgedAt = clock.GetUtcNow().UtcDateTime;
        alert.AcknowledgedBy = actor.Name;
        alert.AcknowledgeNote = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        alert.ConcurrencyStamp++;
        var after = AlertInfo.From(alert);
        audit.Record(db, actor, AuditActions.AlertAcknowledged, $"alert:{id} {after.Target}", model: alert.ModelName, version: alert.Version,
            environment: alert.EnvironmentName, reason: alert.AcknowledgeNote, before: before, after: after);
        outbox.Add(db, NotificationEvents.AlertAcknowledged, AlertNotification.Data(alert), alert.ModelName, alert.EnvironmentName, alert.Severity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            throw Stale(await fresh.Alerts.AsNoTracking().FirstAsync(a => a.Id == id, cancellationToken));
        }

        notifier.Publish(new Change(ChangeKind.AlertChanged, alert.ModelName, alert.Version, alert.EnvironmentName,
            $"{actor.Name} acknowledged “{after.Condition}” on {after.Target}."));
        return after;
    }

    private static NotFoundException Unknown(long id) => new($"Alert {id} does not exist.");

    private static ConflictException Stale(Alert current) => new(current.State switch
    {
        AlertState.Acknowledged => $"Alert {current.Id} was acknowledged by {current.AcknowledgedBy} at {current.AcknowledgedAt:u}.",
        AlertState.Resolved => $"Alert {current.Id} resolved at {current.ResolvedAt:u}.",
        _ => $"Alert {current.Id} changed meanwhile (its value was re-evaluated); reload and try again.",
    });
}
