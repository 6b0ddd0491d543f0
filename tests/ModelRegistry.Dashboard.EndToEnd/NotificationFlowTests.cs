using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using ModelRegistry.Dashboard.Notifications;
using ModelRegistry.Dashboard.Tests.Notifications;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Issue 13 in the browser: an Admin adds a webhook channel pointing at a receiver on Kestrel, presses "Test", and the
/// delivery shows in the channel's log as delivered — and the receiver got it, signed.
/// </summary>
public sealed class NotificationFlowTests : EndToEndTest
{
    private const string Secret = "e2e-signing-secret-0123456789";

    // Development: the receiver on loopback is allowed. Channels are an Admin's.
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
        ["Auth:Anonymous:Role"] = "Admin",
        ["Notifications:IntervalMilliseconds"] = "100",
    };

    [Fact]
    public async Task An_admin_adds_a_webhook_channel_presses_Test_and_sees_the_delivery_in_its_log()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/notifications");

        await page.GetByTestId("channel-name").FillAsync("e2e-hook");
        await page.GetByTestId("channel-url").FillAsync(receiver.Url);
        await page.GetByTestId("channel-secret").FillAsync(Secret);
        await page.GetByTestId("add-channel-submit").ClickAsync();

        var row = page.GetByTestId("channels").Locator("tbody tr").Filter(new() { HasText = "e2e-hook" });
        await Expect(row).ToContainTextAsync("webhook · signed");
        await Expect(row.GetByTestId("channel-last-delivery")).ToContainTextAsync("nothing sent yet");
        await row.GetByTestId("channel-test").ClickAsync();

        var delivery = page.GetByTestId("deliveries").Locator("tbody tr").Filter(new() { HasText = ChannelService.TestEvent });
        await Expect(delivery.GetByTestId("delivery-status")).ToHaveTextAsync("delivered", new() { Timeout = 15_000 });
        await Expect(delivery).ToContainTextAsync("HTTP 200");
        await Expect(row.GetByTestId("channel-last-delivery")).ToContainTextAsync("delivered");

        var received = Assert.Single(receiver.Requests);
        Assert.Equal(ChannelService.TestEvent, received.Headers["X-Event-Type"]);
        Assert.Equal(NotificationPayloads.Signature(Secret, received.Body), received.Headers["X-Signature-256"]);
    }
}
