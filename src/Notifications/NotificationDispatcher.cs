using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Notifications;

/// <summary>
/// Delivers the outbox: each new event becomes one delivery per channel whose filters match, and due deliveries are
/// sent — at least once, in event order per channel, through the client's <see cref="DeliveryPipeline"/> (Polly: a
/// per-attempt timeout, exponential back-off with jitter, until <c>MaxAttempts</c>, when it is dead). Every attempt is
/// recorded with the next try the pipeline chose, so a restart resumes from the outbox on the same schedule and count.
/// Sends are not awaited by the loop: a failing or hanging receiver holds only its own channel, never another channel,
/// the orchestrator or the alert evaluator.
/// </summary>
public sealed partial class NotificationDispatcher(
    WorkerHost host,
    IDbContextFactory<RegistryDbContext> dbFactory,
    IHttpClientFactory clients,
    ISecretProtector secrets,
    Live.IChangeNotifier notifier,
    IOptionsMonitor<NotificationOptions> options,
    ILogger<NotificationDispatcher> logger) : SupervisedWorker(host)
{
    public const string HttpClientName = "notifications";

    private readonly ConcurrentDictionary<long, Task> _sending = new();

    public override string Name => "notification-dispatcher";

    protected override TimeSpan Interval => TimeSpan.FromMilliseconds(options.CurrentValue.IntervalMilliseconds);

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        await FanOutAsync(stoppingToken);
        await StartDueAsync(stoppingToken);
    }

    protected override async Task StoppedAsync()
    {
        // Let attempts under way finish (each is bounded by its timeout); what is not sent stays pending in the database.
        await Task.WhenAll(_sending.Values);
    }

    private async Task FanOutAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var events = await db.OutboxEvents.Where(e => !e.Dispatched).OrderBy(e => e.Id).Take(500).ToListAsync(cancellationToken);
        if (events.Count == 0)
        {
            return;
        }

        var channels = await db.NotificationChannels.AsNoTracking().ToListAsync(cancellationToken);
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        foreach (var evt in events)
        {
            foreach (var channel in channels.Where(c => Matches(c, evt)))
            {
                db.NotificationDeliveries.Add(new NotificationDelivery { OutboxEventId = evt.Id, ChannelId = channel.Id, Status = DeliveryStatus.Pending, NextAttemptAt = now });
            }

            evt.Dispatched = true;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Whether a channel wants an event: its type, model and environment filters, and for alerts the minimum severity.</summary>
    internal static bool Matches(NotificationChannel channel, OutboxEvent evt)
    {
        bool In(string? list, string? value) => list is null || (value is not null && NameList.Split(list).Contains(value, StringComparer.Ordinal));
        return In(channel.Events, evt.Type)
            && In(channel.Models, evt.ModelName)
            && In(channel.Environments, evt.EnvironmentName)
            && (channel.MinSeverity is null || evt.Severity is null || evt.Severity >= channel.MinSeverity);
    }

    private async Task StartDueAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, task) in _sending)
        {
            if (task.IsCompleted)
            {
                _sending.TryRemove(id, out _);
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        var busy = _sending.Keys.ToHashSet();

        // The oldest due delivery of each channel that has nothing in flight: order per channel, no channel waits on another.
        var due = await db.NotificationDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.OutboxEventId)
            .Take(500)
            .ToListAsync(cancellationToken);
        foreach (var delivery in due.Where(d => !busy.Contains(d.ChannelId)).GroupBy(d => d.ChannelId).Select(g => g.First()))
        {
            _sending[delivery.ChannelId] = Task.Run(() => DeliverAsync(delivery.Id, cancellationToken), CancellationToken.None);
        }
    }

    /// <summary>
    /// Sends one delivery through the client's <see cref="DeliveryPipeline"/>, which retries it with back-off until it
    /// is delivered or has had <c>MaxAttempts</c>; every attempt is recorded as it ends.
    /// </summary>
    private async Task DeliverAsync(long deliveryId, CancellationToken stoppingToken)
    {
        try
        {
            NotificationChannel? channel;
            OutboxEvent evt;
            int attemptsBefore;
            await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
            {
                var delivery = await db.NotificationDeliveries.AsNoTracking().FirstAsync(d => d.Id == deliveryId, stoppingToken);
                evt = await db.OutboxEvents.AsNoTracking().FirstAsync(e => e.Id == delivery.OutboxEventId, stoppingToken);
                channel = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == delivery.ChannelId, stoppingToken);
                attemptsBefore = delivery.Attempts;
            }

            if (channel is null)
            {
                await RecordAsync(deliveryId, null, "the channel was deleted", retryIn: null, dead: true, stoppingToken);
                return;
            }

            var round = new DeliveryRound(attemptsBefore, (status, error, delay) => new ValueTask(RecordAsync(deliveryId, channel, evt, status, error, delay, stoppingToken)));
            var (finalStatus, finalError) = await SendAsync(channel, evt, round, stoppingToken);
            await RecordAsync(deliveryId, channel, evt, finalStatus, finalError, retryIn: null, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the delivery stays pending (its next try stored) and is attempted again after the restart.
        }
#pragma warning disable CA1031 // one delivery's failure (e.g. the database briefly away) must not end the others; it is retried
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogAttemptFailed(logger, deliveryId, e);
            await PostponeAsync(deliveryId, e, stoppingToken);
        }
    }

    /// <summary>
    /// A delivery that could not even be attempted (its secret unreadable, say) counts an attempt and waits the longest
    /// delay, instead of being picked up again on every pass; it is dead after <c>MaxAttempts</c> like any other.
    /// </summary>
    private async Task PostponeAsync(long deliveryId, Exception failure, CancellationToken stoppingToken)
    {
        try
        {
            var settings = options.CurrentValue;
            await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
            var delivery = await db.NotificationDeliveries.FirstAsync(d => d.Id == deliveryId, stoppingToken);
            if (delivery.Status != DeliveryStatus.Pending)
            {
                return;
            }

            var now = Host.Clock.GetUtcNow().UtcDateTime;
            delivery.Attempts++;
            delivery.LastAttemptAt = now;
            delivery.LastStatusCode = null;
            delivery.LastError = $"not sent: {failure.GetType().Name}";
            var dead = delivery.Attempts >= settings.MaxAttempts;
            delivery.Status = dead ? DeliveryStatus.Dead : DeliveryStatus.Pending;
            delivery.NextAttemptAt = dead ? null : now + TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds);
            await db.SaveChangesAsync(stoppingToken);
        }
#pragma warning disable CA1031 // the database itself may be away: the delivery stays pending and is tried on a later pass
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogAttemptFailed(logger, deliveryId, e);
        }
    }

    private async Task<(int? Status, string? Error)> SendAsync(NotificationChannel channel, OutboxEvent evt, DeliveryRound round, CancellationToken stoppingToken)
    {
        var settings = options.CurrentValue;
        var body = channel.Kind == ChannelKind.Slack ? NotificationPayloads.Slack(evt, settings.PublicBaseUrl) : NotificationPayloads.Webhook(evt, settings.PublicBaseUrl);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = content }.For(round);
        request.Headers.Add(NotificationPayloads.EventIdHeader, evt.EventId);
        request.Headers.Add(NotificationPayloads.EventTypeHeader, evt.Type);
        if (channel.SecretProtected is { } protectedSecret)
        {
            request.Headers.Add(NotificationPayloads.SignatureHeader, NotificationPayloads.Signature(secrets.Unprotect(protectedSecret), body));
        }

        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
            return ((int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or Polly.Timeout.TimeoutRejectedException)
        {
            return (null, DeliveryPipeline.Describe(e, settings));
        }
    }

    /// <summary>
    /// Records an attempt that ended: delivered on a 2xx; otherwise pending until <paramref name="retryIn"/> (the delay
    /// the pipeline chose, stored so that a restart keeps the schedule), or dead once it has had <c>MaxAttempts</c>.
    /// </summary>
    private Task RecordAsync(long deliveryId, NotificationChannel channel, OutboxEvent evt, int? status, string? error, TimeSpan? retryIn, CancellationToken cancellationToken)
    {
        var delivered = error is null && status is >= 200 and < 300;
        var dead = !delivered && retryIn is null;
        if (dead)
        {
            LogDead(logger, evt.EventId, channel.Name, error ?? $"HTTP {status}");
        }

        return RecordAsync(deliveryId, status, error, retryIn, dead, cancellationToken, channel.Id);
    }

    private async Task RecordAsync(long deliveryId, int? status, string? error, TimeSpan? retryIn, bool dead, CancellationToken cancellationToken, long? channelId = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.NotificationDeliveries.FirstAsync(d => d.Id == deliveryId, cancellationToken);
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        delivery.LastStatusCode = status;
        delivery.LastError = error is { Length: > 2000 } ? error[..2000] : error;
        delivery.Status = dead ? DeliveryStatus.Dead : retryIn is null ? DeliveryStatus.Delivered : DeliveryStatus.Pending;
        delivery.DeliveredAt = delivery.Status == DeliveryStatus.Delivered ? now : null;
        delivery.NextAttemptAt = now + retryIn;
        await db.SaveChangesAsync(cancellationToken);
        notifier.Publish(new Live.Change(Live.ChangeKind.NotificationChanged, Detail: (channelId ?? delivery.ChannelId).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {EventId} to channel {Channel} is dead after its last attempt: {Error}")]
    private static partial void LogDead(ILogger logger, string eventId, string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification delivery {DeliveryId} could not be attempted; it is tried again.")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, Exception exception);
}
