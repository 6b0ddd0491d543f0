using AngleSharp.Dom;
using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Pages.Notifications;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Notifications;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

/// <summary>
/// Admin → Notifications against the real channel service: channels with their filters and last delivery, the
/// delivery log, "Test" queueing a test event and "Retry now" putting a dead delivery back in line.
/// </summary>
public sealed class NotificationsPageTests : DashboardTestContext
{
    private static readonly string[] ChannelColumns = ["Name", "Kind", "Sends", "Last delivery"];

    public NotificationsPageTests()
    {
        // The app's notification services, without the dispatcher's loop: deliveries stay as the test leaves them.
        Services.AddNotifications(new ConfigurationBuilder().Build());
        Services.AddSingleton<ISecretProtector>(new DataProtectionSecrets(new EphemeralDataProtectionProvider()));
    }

    private ChannelService Channels => Services.GetRequiredService<ChannelService>();

    [Fact]
    public async Task Channels_are_listed_with_their_filters_and_last_delivery()
    {
        var (paging, _) = await SeedChannelsAsync();
        await Channels.SendTestAsync(Seeder, paging.Id, Cancellation);
        await KillLatestDeliveryAsync(paging.Id, statusCode: 500);

        var host = RenderPage();

        host.WaitForAssertion(() => Assert.Equal(
            [
                "everything | slack | every event | nothing sent yet",
                "sre-paging | webhook · signed | deployment.rolled-back, alert.fired · models support-chat · in staging · alerts from critical | dead just now channel.test · HTTP 500",
            ],
            ChannelRows(host)));
    }

    [Fact]
    public async Task Test_queues_a_test_event_that_shows_in_the_channels_delivery_log()
    {
        var (_, everything) = await SeedChannelsAsync();
        var host = RenderPage();
        host.WaitForAssertion(() => Assert.Equal(2, ChannelRows(host).Count));

        await RowOf(host, "everything").QuerySelector("[data-testid=channel-test]")!.ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            var delivery = Assert.Single(DeliveryRows(host));
            Assert.StartsWith("channel.test", Cell(delivery, "Event"), StringComparison.Ordinal);
            Assert.Equal("pending", Cell(delivery, "Status"));
            Assert.Equal("0", Cell(delivery, "Attempts"));
            Assert.Null(delivery.QuerySelector("[data-testid=delivery-retry]"));
            Assert.Equal("pending just now channel.test", Cell(RowOf(host, "everything"), "Last delivery"));
        });
        Assert.Single(await Channels.DeliveriesAsync(Seeder, everything.Id, Cancellation));
    }

    [Fact]
    public async Task A_dead_delivery_in_the_log_is_retried_now()
    {
        var (paging, _) = await SeedChannelsAsync();
        await Channels.SendTestAsync(Seeder, paging.Id, Cancellation);
        await KillLatestDeliveryAsync(paging.Id, statusCode: 503);
        var host = RenderPage();
        host.WaitForAssertion(() => Assert.Equal(2, ChannelRows(host).Count));

        await RowOf(host, "sre-paging").QuerySelector("[data-testid=channel-log]")!.ClickAsync(new());
        host.WaitForAssertion(() =>
        {
            var row = Assert.Single(DeliveryRows(host));
            Assert.Equal(("dead", "8", "HTTP 503"), (Cell(row, "Status"), Cell(row, "Attempts"), Cell(row, "Last answer")));
        });
        await host.Find("[data-testid=delivery-retry]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            var row = Assert.Single(DeliveryRows(host));
            Assert.Equal(("pending", "0"), (Cell(row, "Status"), Cell(row, "Attempts")));
            Assert.Null(row.QuerySelector("[data-testid=delivery-retry]"));
        });
        var delivery = Assert.Single(await Channels.DeliveriesAsync(Seeder, paging.Id, Cancellation));
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
    }

    private async Task<(ChannelInfo Paging, ChannelInfo Everything)> SeedChannelsAsync()
    {
        await SeedServedVersionAsync("staging", "support-chat", "1.0.0");
        var paging = await Channels.CreateAsync(Seeder, new ChannelRequest(
            "sre-paging", "webhook", "https://hooks.example.com/sre", "a-signing-secret-0123456789",
            [NotificationEvents.DeploymentRolledBack, NotificationEvents.AlertFired], ["support-chat"], ["staging"], "critical"), Cancellation);
        var everything = await Channels.CreateAsync(Seeder, new ChannelRequest("everything", "slack", "https://hooks.slack.com/services/T0/B0/x"), Cancellation);
        return (paging, everything);
    }

    /// <summary>What the dispatcher leaves after <c>MaxAttempts</c> failures.</summary>
    private async Task KillLatestDeliveryAsync(long channelId, int statusCode)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Cancellation);
        var delivery = await db.NotificationDeliveries.Where(d => d.ChannelId == channelId).OrderByDescending(d => d.Id).FirstAsync(Cancellation);
        delivery.Status = DeliveryStatus.Dead;
        delivery.Attempts = 8;
        delivery.LastStatusCode = statusCode;
        delivery.LastAttemptAt = Clock.GetUtcNow().UtcDateTime;
        delivery.NextAttemptAt = null;
        await db.SaveChangesAsync(Cancellation);
    }

    private IRenderedComponent<ContainerFragment> RenderPage() => RenderWithProviders(Page<NotificationsPage>());

    private static List<IElement> Rows(IRenderedComponent<ContainerFragment> host) =>
        [.. host.FindAll("[data-testid=channels] tbody tr").Where(r => r.QuerySelector("td[data-label=Name]") is not null)];

    private static List<string> ChannelRows(IRenderedComponent<ContainerFragment> host) =>
        [.. Rows(host).Select(r => string.Join(" | ", ChannelColumns.Select(label => Cell(r, label))))];

    private static IElement RowOf(IRenderedComponent<ContainerFragment> host, string name) => Rows(host).Single(r => Cell(r, "Name") == name);

    private static List<IElement> DeliveryRows(IRenderedComponent<ContainerFragment> host) =>
        [.. host.FindAll("[data-testid=deliveries] tbody tr").Where(r => r.QuerySelector("td[data-label=Event]") is not null)];

    private static string Cell(IElement row, string label) => Normalize(row.QuerySelector($"td[data-label='{label}']")!.TextContent);
}
