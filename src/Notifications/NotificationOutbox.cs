using System.Text.Json;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Notifications;

/// <summary>
/// Adds an event to the outbox in the caller's context, so it commits in the same transaction as the change it
/// announces (a deployment transition, an alert state change) — or not at all.
/// </summary>
public sealed class NotificationOutbox(TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Add(RegistryDbContext db, string type, object data, string? model = null, string? environment = null, AlertSeverity? severity = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.OutboxEvents.Add(new OutboxEvent
        {
            EventId = Guid.NewGuid().ToString("N"),
            Type = type,
            OccurredAt = clock.GetUtcNow().UtcDateTime,
            ModelName = model,
            EnvironmentName = environment,
            Severity = severity,
            Data = JsonSerializer.Serialize(data, Json),
        });
    }
}
