using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Notifications;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Notifications;

/// <summary>
/// The delivery pipeline (Polly's retry with back-off and jitter around a per-attempt timeout) against a real receiver:
/// each attempt is recorded with the next try it chose, the delivery is dead after <c>Notifications:MaxAttempts</c>,
/// and "retry now" gives it a fresh round that the receiver gets with the same event id.
/// </summary>
public sealed class NotificationRetryTests : IAsyncLifetime
{
    private readonly DashboardFactory _app = new()
    {
        Settings = new Dictionary<string, string>
        {
            ["Notifications:IntervalMilliseconds"] = "100",
            ["Notifications:MaxAttempts"] = "3",
            ["Notifications:FirstRetryDelaySeconds"] = "0.5",
            ["Notifications:MaxRetryDelaySeconds"] = "1",
            ["Notifications:AttemptTimeoutSeconds"] = "1",
        },
    };

    private WebhookReceiver _receiver = null!;
    private HttpClient _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _api = _app.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_delivery_is_dead_after_the_configured_attempts_and_retry_now_delivers_it_with_the_same_event_id()
    {
        _receiver.FailFirst = 3;
        using var created = await _api.PostAsJsonAsync("/api/v1/notification-channels", new { name = "flaky", kind = "webhook", url = _receiver.Url }, Ct);
        var channel = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        await ChannelDeliveries.SendTestAsync(_api, channel);

        var seen = new List<JsonElement>();
        var dead = await DeliveryAsync(channel, "dead", seen);

        Assert.Equal(3, dead.GetProperty("attempts").GetInt32());
        Assert.Equal(500, dead.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, dead.GetProperty("nextAttemptAt").ValueKind);
        Assert.Equal(3, _receiver.Requests.Count);
        // While it was retried, the log showed the next try the pipeline had chosen, after the last attempt.
        Assert.Contains(seen, d => d.GetProperty("status").GetString() == "pending" && d.GetProperty("attempts").GetInt32() >= 1
            && d.GetProperty("nextAttemptAt").GetDateTime() > d.GetProperty("lastAttemptAt").GetDateTime());

        using (var retry = await _api.PostAsync($"/api/v1/notification-channels/{channel}/deliveries/{dead.GetProperty("id").GetInt64()}/retry", new StringContent("", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.True(retry.IsSuccessStatusCode, $"retry answered {(int)retry.StatusCode}");
        }

        var delivered = await DeliveryAsync(channel, "delivered", seen);
        Assert.Equal(1, delivered.GetProperty("attempts").GetInt32());
        Assert.Equal(4, _receiver.Requests.Count);
        Assert.Single(_receiver.Requests.Select(r => r.Headers["X-Event-Id"]).Distinct());
    }

    [Fact]
    public async Task A_delivery_that_cannot_be_sent_counts_its_attempts_and_dies_instead_of_spinning()
    {
        long channel;
        await using (var db = await _app.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct))
        {
            // A secret no key of this ring can read (e.g. a key ring lost): the body cannot be signed.
            var stored = new NotificationChannel { Name = "unreadable", Url = _receiver.Url, SecretProtected = "not-a-protected-payload", CreatedBy = "test", UpdatedBy = "test" };
            db.NotificationChannels.Add(stored);
            await db.SaveChangesAsync(Ct);
            channel = stored.Id;
        }

        await ChannelDeliveries.SendTestAsync(_api, channel);

        var dead = await DeliveryAsync(channel, "dead", []);
        Assert.Equal(3, dead.GetProperty("attempts").GetInt32());
        Assert.StartsWith("not sent: ", dead.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(_receiver.Requests);
    }

    private Task<JsonElement> DeliveryAsync(long channel, string status, List<JsonElement> seen) =>
        ChannelDeliveries.NewestAsync(_api, channel, ChannelDeliveries.Status(status), TimeSpan.FromSeconds(20), seen, TimeSpan.FromMilliseconds(20));
}
