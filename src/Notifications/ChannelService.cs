using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Notifications;

/// <summary><c>POST/PUT /api/v1/notification-channels</c>: every field nullable, so the engine names what is missing.</summary>
public sealed record ChannelRequest(
    string? Name,
    string? Kind,
    string? Url,
    string? Secret = null,
    IReadOnlyList<string>? Events = null,
    IReadOnlyList<string>? Models = null,
    IReadOnlyList<string>? Environments = null,
    string? MinSeverity = null);

/// <summary>A channel as the API shows it: never its secret, only whether it has one.</summary>
public sealed record ChannelInfo(
    long Id,
    string Name,
    ChannelKind Kind,
    string Url,
    bool HasSecret,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Environments,
    AlertSeverity? MinSeverity,
    DateTime CreatedAt,
    string CreatedBy)
{
    internal static ChannelInfo From(NotificationChannel c) => new(
        c.Id, c.Name, c.Kind, c.Url, c.SecretProtected is not null, NameList.Split(c.Events), NameList.Split(c.Models), NameList.Split(c.Environments), c.MinSeverity, c.CreatedAt, c.CreatedBy);
}

/// <summary>One delivery attempt record as the channel's log shows it.</summary>
public sealed record DeliveryInfo(
    long Id,
    string EventId,
    string EventType,
    DateTime OccurredAt,
    DeliveryStatus Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTime? LastAttemptAt,
    DateTime? NextAttemptAt,
    DateTime? DeliveredAt);

/// <summary>
/// Notification channels (Admin): validated whole (nothing is stored from a bad request; the URL by the same SSRF rules
/// as version endpoints), the secret encrypted at rest,
/// audited. A test event goes through the outbox like any other; deliveries can be listed and a dead one retried.
/// </summary>
public sealed class ChannelService(
    IDbContextFactory<RegistryDbContext> dbFactory,
    ISecretProtector secrets,
    Registry.EndpointGuard endpoints,
    AuditLog audit,
    Live.IChangeNotifier notifier,
    TimeProvider clock)
{
    public const string TestEvent = "channel.test";

    private void Changed(long id) => notifier.Publish(new Live.Change(Live.ChangeKind.NotificationChanged, Detail: id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public async Task<IReadOnlyList<ChannelInfo>> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "list notification channels");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return [.. (await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken)).Select(ChannelInfo.From)];
    }

    public async Task<ChannelInfo> GetAsync(Actor actor, long id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "read notification channels");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return ChannelInfo.From(await FindAsync(db, id, cancellationToken));
    }

    public async Task<ChannelInfo> CreateAsync(Actor actor, ChannelRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.Demand(ActorRole.Admin, "create notification channels");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var channel = new NotificationChannel { Name = "", Url = "", CreatedAt = now, CreatedBy = actor.Name, UpdatedAt = now, UpdatedBy = actor.Name };
        await ApplyAsync(db, channel, request, isNew: true, cancellationToken);
        db.NotificationChannels.Add(channel);
        audit.Record(db, actor, AuditActions.ChannelCreated, $"channel:{channel.Name}", after: ChannelInfo.From(channel));
        await db.SaveChangesAsync(cancellationToken);
        Changed(channel.Id);
        return ChannelInfo.From(channel);
    }

    public async Task<ChannelInfo> UpdateAsync(Actor actor, long id, ChannelRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.Demand(ActorRole.Admin, "change notification channels");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var channel = await FindAsync(db, id, cancellationToken);
        var before = ChannelInfo.From(channel);
        await ApplyAsync(db, channel, request, isNew: false, cancellationToken);
        channel.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        channel.UpdatedBy = actor.Name;
        audit.Record(db, actor, AuditActions.ChannelUpdated, $"channel:{channel.Name}", before: before, after: ChannelInfo.From(channel));
        await db.SaveChangesAsync(cancellationToken);
        Changed(channel.Id);
        return ChannelInfo.From(channel);
    }

    public async Task DeleteAsync(Actor actor, long id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "delete notification channels");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var channel = await FindAsync(db, id, cancellationToken);
        db.NotificationChannels.Remove(channel);
        await db.NotificationDeliveries.Where(d => d.ChannelId == id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.Status, DeliveryStatus.Dead).SetProperty(x => x.LastError, "the channel was deleted"), cancellationToken);
        audit.Record(db, actor, AuditActions.ChannelDeleted, $"channel:{channel.Name}", before: ChannelInfo.From(channel));
        await db.SaveChangesAsync(cancellationToken);
        Changed(id);
    }

    /// <summary>Queues a test event for this channel only; its delivery shows in the log like any other.</summary>
    public async Task<string> SendTestAsync(Actor actor, long id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "test notification channels");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var channel = await FindAsync(db, id, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var evt = new OutboxEvent
        {
            EventId = Guid.NewGuid().ToString("N"),
            Type = TestEvent,
            OccurredAt = now,
            Data = System.Text.Json.JsonSerializer.Serialize(new { channel = channel.Name, requestedBy = actor.Name, message = "A test event from ModelRegistry.Dashboard." }),
            Dispatched = true, // delivered to this channel only, not fanned out
        };
        db.OutboxEvents.Add(evt);
        await db.SaveChangesAsync(cancellationToken);
        db.NotificationDeliveries.Add(new NotificationDelivery { OutboxEventId = evt.Id, ChannelId = id, Status = DeliveryStatus.Pending, NextAttemptAt = now });
        await db.SaveChangesAsync(cancellationToken);
        Changed(id);
        return evt.EventId;
    }

    public async Task<IReadOnlyList<DeliveryInfo>> DeliveriesAsync(Actor actor, long id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "read notification deliveries");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await FindAsync(db, id, cancellationToken);
        return [.. (await Deliveries(db, db.NotificationDeliveries.Where(d => d.ChannelId == id).OrderByDescending(d => d.Id).Take(200)).ToListAsync(cancellationToken))
            .Select(d => d.Info).OrderByDescending(d => d.Id)];
    }

    /// <summary>Each channel's latest delivery (the channel list's "last delivery" column), by channel id.</summary>
    public async Task<IReadOnlyDictionary<long, DeliveryInfo>> LastDeliveriesAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "read notification deliveries");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var latest = db.NotificationDeliveries.GroupBy(d => d.ChannelId).Select(g => g.Max(d => d.Id));
        var deliveries = await Deliveries(db, db.NotificationDeliveries.Where(d => latest.Contains(d.Id))).ToListAsync(cancellationToken);
        return deliveries.ToDictionary(d => d.ChannelId, d => d.Info);
    }

    private static IQueryable<ChannelDelivery> Deliveries(RegistryDbContext db, IQueryable<NotificationDelivery> deliveries) =>
        from d in deliveries.AsNoTracking()
        join e in db.OutboxEvents.AsNoTracking() on d.OutboxEventId equals e.Id
        select new ChannelDelivery(d.ChannelId, new DeliveryInfo(d.Id, e.EventId, e.Type, e.OccurredAt, d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.LastAttemptAt, d.NextAttemptAt, d.DeliveredAt));

    private sealed record ChannelDelivery(long ChannelId, DeliveryInfo Info);

    /// <summary>Puts a dead delivery back in line, now.</summary>
    public async Task RetryAsync(Actor actor, long channelId, long deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "retry notification deliveries");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.NotificationDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.ChannelId == channelId, cancellationToken)
            ?? throw new NotFoundException($"Channel {channelId} has no delivery {deliveryId}.");
        if (delivery.Status != DeliveryStatus.Dead)
        {
            throw new ConflictException($"Delivery {deliveryId} is {delivery.Status.ToString().ToLowerInvariant()}, not dead: nothing to retry.");
        }

        delivery.Status = DeliveryStatus.Pending;
        delivery.Attempts = 0;
        delivery.NextAttemptAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        Changed(channelId);
    }

    private static async Task<NotificationChannel> FindAsync(RegistryDbContext db, long id, CancellationToken cancellationToken) =>
        await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new NotFoundException($"Notification channel {id} does not exist.");

    private async Task ApplyAsync(RegistryDbContext db, NotificationChannel channel, ChannelRequest request, bool isNew, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > TextLimits.Name)
        {
            errors.Add("name", $"'name' is required: 1 to {TextLimits.Name} characters, e.g. 'sre-webhook'.");
        }
        else if (await db.NotificationChannels.AnyAsync(c => c.Name == name && c.Id != channel.Id, cancellationToken))
        {
            throw new ConflictException($"A notification channel is already named '{name}'.", "name");
        }

        var kind = EnumText.Parse<ChannelKind>(request.Kind);
        if (kind is null)
        {
            errors.Add("kind", $"'kind' must be 'webhook' or 'slack'; got '{request.Kind}'.");
        }

        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || request.Url!.Length > 2000)
        {
            errors.Add("url", "'url' must be an absolute http or https URL (at most 2000 characters).");
        }
        else if (endpoints.RegistrationProblem(request.Url, "url") is { } forbidden)
        {
            errors.Add("url", forbidden);
        }

        if (request.Secret is { } secret && (secret.Length < 16 || secret.Length > 256))
        {
            errors.Add("secret", "'secret' must be 16 to 256 characters (it signs each body with HMAC-SHA256).");
        }

        var events = NameList.Normalize(request.Events);
        foreach (var unknown in events.Where(e => !NotificationEvents.All.Contains(e)))
        {
            errors.Add("events", $"'{unknown}' is not an event type: use {string.Join(", ", NotificationEvents.All)}.");
        }

        var models = NameList.Normalize(request.Models);
        foreach (var unknown in models.Except(await db.Models.Where(m => models.Contains(m.Name)).Select(m => m.Name).ToListAsync(cancellationToken)))
        {
            errors.Add("models", $"Model '{unknown}' is not registered.");
        }

        var environments = NameList.Normalize(request.Environments);
        foreach (var unknown in environments.Except(await db.Environments.Where(e => environments.Contains(e.Name)).Select(e => e.Name).ToListAsync(cancellationToken)))
        {
            errors.Add("environments", $"Environment '{unknown}' does not exist.");
        }

        AlertSeverity? minSeverity = null;
        if (request.MinSeverity is { Length: > 0 } severity)
        {
            minSeverity = EnumText.Parse<AlertSeverity>(severity);
            if (minSeverity is null)
            {
                errors.Add("minSeverity", $"'minSeverity' must be info, warning or critical; got '{severity}'.");
            }
        }

        errors.ThrowIfAny();
        channel.Name = name!;
        channel.Kind = kind!.Value;
        channel.Url = request.Url!;
        if (request.Secret is not null || isNew)
        {
            channel.SecretProtected = request.Secret is null ? null : secrets.Protect(request.Secret);
        }

        channel.Events = NameList.Join(events);
        channel.Models = NameList.Join(models);
        channel.Environments = NameList.Join(environments);
        channel.MinSeverity = minSeverity;
    }

}
