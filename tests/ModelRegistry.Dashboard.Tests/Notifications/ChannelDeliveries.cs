using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Notifications;

/// <summary>A channel's test event and its delivery log, through the REST API, as the notification tests use them.</summary>
internal static class ChannelDeliveries
{
    /// <summary><c>POST …/test</c>: the channel gets a test event (202).</summary>
    public static async Task SendTestAsync(HttpClient api, long channel)
    {
        using var test = await api.PostAsync($"/api/v1/notification-channels/{channel}/test", new StringContent("", System.Text.Encoding.UTF8, "application/json"), Ct);
        await test.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
    }

    /// <summary>
    /// Polls the channel's newest delivery until it satisfies <paramref name="done"/>; every state read on the way is
    /// added to <paramref name="seen"/> when given.
    /// </summary>
    public static async Task<JsonElement> NewestAsync(HttpClient api, long channel, Func<JsonElement, bool> done, TimeSpan within, List<JsonElement>? seen = null, TimeSpan? interval = null)
    {
        JsonElement delivery = default;
        await Poll.UntilAsync(
            async () =>
            {
                delivery = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/notification-channels/{channel}/deliveries", Ct)).EnumerateArray().FirstOrDefault();
                if (delivery.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                seen?.Add(delivery.Clone());
                return done(delivery);
            },
            within,
            _ => $"channel {channel}'s delivery did not get there: {delivery}",
            interval);
        return delivery;
    }

    public static Func<JsonElement, bool> Status(string status) => d => d.GetProperty("status").GetString() == status;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
