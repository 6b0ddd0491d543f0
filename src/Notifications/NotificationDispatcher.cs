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
/// sent — at least once, in event order per channel, each attempt bounded by <c>Notifications:AttemptTimeoutSeconds</c>
/// (and retried briefly within the attempt by the HTTP client's resilience pipeline). A failed attempt is tried again
/// after an exponentially growing, jittered delay that is stored with the delivery (so a restart keeps the schedule),
/// until <c>MaxAttempts</c>, when it is dead. Sends are not awaited by the loop: a hanging receiver holds only its own
/// channel's next delivery, never another channel's, the orchestrator or the alert evaluator.
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
            _sending[delivery.ChannelId] = Task.Run(() => AttemptAsync(delivery.Id, cancellationToken), CancellationToken.None);
        }
    }

    private async Task AttemptAsync(long deliveryId, CancellationToken stoppingToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
            var delivery = await db.NotificationDeliveries.FirstAsync(d => d.Id == deliveryId, stoppingToken);
            var evt = await db.OutboxEvents.AsNoTracking().FirstAsync(e => e.Id == delivery.OutboxEventId, stoppingToken);
            var channel = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == delivery.ChannelId, stoppingToken);
            var settings = options.CurrentValue;
            var now = Host.Clock.GetUtcNow().UtcDateTime;
            delivery.Attempts++;
            delivery.LastAttemptAt = now;
            if (channel is null)
            {
                delivery.Status = DeliveryStatus.Dead;
                delivery.LastError = "the channel was deleted";
                await db.SaveChangesAsync(stoppingToken);
                return;
            }

            var (status, error) = await SendAsync(channel, evt, settings, stoppingToken);
            delivery.LastStatusCode = status;
            delivery.LastError = error is { Length: > 2000 } ? error[..2000] : error;
            if (error is null && status is >= 200 and < 300)
            {
                delivery.Status = DeliveryStatus.Delivered;
                delivery.DeliveredAt = Host.Clock.GetUtcNow().UtcDateTime;
                delivery.NextAttemptAt = null;
            }
            else if (delivery.Attempts >= settings.MaxAttempts)
            {
                delivery.Status = DeliveryStatus.Dead;
                delivery.NextAttemptAt = null;
                LogDead(logger, evt.EventId, channel.Name, delivery.Attempts, error ?? $"HTTP {status}");
            }
            else
            {
                delivery.NextAttemptAt = Host.Clock.GetUtcNow().UtcDateTime + RetryDelay(delivery.Attempts, settings);
            }

            await db.SaveChangesAsync(stoppingToken);
            notifier.Publish(new Live.Change(Live.ChangeKind.NotificationChanged, Detail: channel.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the delivery stays pending and is attempted again after the restart.
        }
#pragma warning disable CA1031 // one delivery's failure (e.g. the database briefly away) must not end the others; it is retried
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogAttemptFailed(logger, deliveryId, e);
        }
    }

    private async Task<(int? Status, string? Error)> SendAsync(NotificationChannel channel, OutboxEvent evt, NotificationOptions settings, CancellationToken stoppingToken)
    {
        var body = channel.Kind == ChannelKind.Slack ? NotificationPayloads.Slack(evt, settings.PublicBaseUrl) : NotificationPayloads.Webhook(evt, settings.PublicBaseUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(NotificationPayloads.EventIdHeader, evt.EventId);
        request.Headers.Add(NotificationPayloads.EventTypeHeader, evt.Type);
        if (channel.SecretProtected is { } protectedSecret)
        {
            request.Headers.Add(NotificationPayloads.SignatureHeader, NotificationPayloads.Signature(secrets.Unprotect(protectedSecret), body));
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(settings.AttemptTimeoutSeconds));
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (null, $"no answer within {settings.AttemptTimeoutSeconds} s");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Exponential back-off from the first delay, capped, with full jitter (a random share of the step).</summary>
    internal static TimeSpan RetryDelay(int attempts, NotificationOptions settings)
    {
        var step = Math.Min(settings.MaxRetryDelaySeconds, settings.FirstRetryDelaySeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(step * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {EventId} to channel {Channel} is dead after {Attempts} attempts: {Error}")]
    private static partial void LogDead(ILogger logger, string eventId, string channel, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification delivery {DeliveryId} could not be attempted; it is tried again.")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, Exception exception);
}
