using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Notifications;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Notifications;

/// <summary>
/// Issue 13: channel URLs go through the same SSRF guard as version endpoints (<c>Registry:EndpointAllowList</c>):
/// refused on create and update outside Development (400 naming <c>url</c>, nothing stored), checked again on every
/// connection a delivery makes, and a receiver's redirect is its answer, never followed.
/// </summary>
public sealed class NotificationEndpointGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://169.254.169.254/", "cloud metadata")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "cloud metadata")]
    [InlineData("http://[fe80::1]/hook", "link-local")]
    [InlineData("http://127.0.0.1:9000/hook", "loopback")]
    [InlineData("https://localhost/hook", "loopback")]
    public async Task In_production_a_channel_on_a_local_or_metadata_address_is_refused_naming_url_and_nothing_is_stored(string url, string kind)
    {
        await using var app = new ProductionDashboardFactory();
        using var client = app.CreateClient();
        var audited = await AuditCountAsync(app.Services);

        using var response = await client.PostAsJsonAsync("/api/v1/notification-channels", new { name = "metadata", kind = "webhook", url }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "url");
        var message = problem.GetProperty("errors").GetProperty("url")[0].GetString()!;
        Assert.Contains(kind, message, StringComparison.Ordinal);
        Assert.Contains("Registry:EndpointAllowList", message, StringComparison.Ordinal);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/v1/notification-channels", Ct)).GetArrayLength());
        Assert.Equal(audited, await AuditCountAsync(app.Services));
    }

    [Fact]
    public async Task In_production_an_update_to_the_metadata_address_is_refused_and_the_channel_keeps_its_url()
    {
        await using var app = new ProductionDashboardFactory();
        using var client = app.CreateClient();
        using var created = await client.PostAsJsonAsync("/api/v1/notification-channels", new { name = "hook", kind = "slack", url = "https://hooks.example.com/x" }, Ct);
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();

        using var response = await client.PutAsJsonAsync($"/api/v1/notification-channels/{id}", new { name = "hook", kind = "slack", url = "http://169.254.169.254/latest/" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "url");
        var channel = await client.GetFromJsonAsync<JsonElement>($"/api/v1/notification-channels/{id}", Ct);
        Assert.Equal("https://hooks.example.com/x", channel.GetProperty("url").GetString());
    }

    [Fact]
    public async Task In_production_a_delivery_does_not_connect_to_a_loopback_receiver_even_when_the_channel_is_stored()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ProductionDashboardFactory(new Dictionary<string, string> { ["Notifications:IntervalMilliseconds"] = "100" });
        using var client = app.CreateClient();
        var id = await StoreChannelAsync(app.Services, receiver.Url); // as if its name had resolved elsewhere when it was added

        var delivery = await TestDeliveryAsync(client, id, d => d.GetProperty("attempts").GetInt32() >= 1);

        Assert.Contains("loopback", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("Registry:EndpointAllowList", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task In_production_an_allow_listed_receiver_is_added_and_delivered_to()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ProductionDashboardFactory(new Dictionary<string, string>
        {
            ["Registry:EndpointAllowList:0"] = "127.0.0.1",
            ["Notifications:IntervalMilliseconds"] = "100",
        });
        using var client = app.CreateClient();
        using var created = await client.PostAsJsonAsync("/api/v1/notification-channels", new { name = "local-hook", kind = "webhook", url = receiver.Url }, Ct);
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();

        await TestDeliveryAsync(client, id, d => d.GetProperty("status").GetString() == "delivered");

        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_receivers_redirect_is_its_answer_and_is_not_followed()
    {
        await using var target = await WebhookReceiver.StartAsync();
        await using var redirecting = await WebhookReceiver.StartAsync();
        redirecting.RedirectTo = target.Url;
        await using var app = new DashboardFactory { Settings = new Dictionary<string, string> { ["Notifications:IntervalMilliseconds"] = "100" } };
        using var client = app.CreateClient();
        using var created = await client.PostAsJsonAsync("/api/v1/notification-channels", new { name = "redirecting", kind = "webhook", url = redirecting.Url }, Ct);
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();

        var delivery = await TestDeliveryAsync(client, id, d => d.GetProperty("attempts").GetInt32() >= 1);

        Assert.Equal(307, delivery.GetProperty("lastStatusCode").GetInt32());
        Assert.NotEqual("delivered", delivery.GetProperty("status").GetString());
        Assert.NotEmpty(redirecting.Requests);
        Assert.Empty(target.Requests);
    }

    private static async Task<int> AuditCountAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditEntries.CountAsync(Ct);
    }

    private static async Task<long> StoreChannelAsync(IServiceProvider services, string url)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);
        var channel = new NotificationChannel { Name = "stored", Url = url, CreatedBy = "test", UpdatedBy = "test" };
        db.NotificationChannels.Add(channel);
        await db.SaveChangesAsync(Ct);
        return channel.Id;
    }

    /// <summary>Sends the channel a test event and waits until its delivery satisfies <paramref name="done"/>.</summary>
    private static async Task<JsonElement> TestDeliveryAsync(HttpClient client, long channel, Func<JsonElement, bool> done)
    {
        await ChannelDeliveries.SendTestAsync(client, channel);
        return await ChannelDeliveries.NewestAsync(client, channel, done, TimeSpan.FromSeconds(15));
    }
}
