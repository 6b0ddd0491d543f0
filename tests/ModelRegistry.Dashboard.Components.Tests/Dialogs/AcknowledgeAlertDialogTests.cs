using Bunit;
using Bunit.Rendering;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Dialogs;

public sealed class AcknowledgeAlertDialogTests : DashboardTestContext
{
    [Fact]
    public async Task Acknowledging_without_a_note_stores_the_operator_and_no_note()
    {
        var alert = await FireAlertAsync();
        var (host, dialog) = await OpenAsync(alert);

        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        var stored = await Alerts.GetAsync(alert.Id, Cancellation);
        Assert.Equal((AlertState.Acknowledged, OperatorName, null), (stored.State, stored.AcknowledgedBy, stored.AcknowledgeNote));
        Assert.Equal(stored, result.Data);
    }

    [Fact]
    public async Task An_alert_acknowledged_elsewhere_meanwhile_is_refused_with_who_did_it()
    {
        var alert = await FireAlertAsync();
        var (host, dialog) = await OpenAsync(alert);
        await Alerts.AcknowledgeAsync(new Actor("alice", ActorRole.Operator), alert.Id, new AcknowledgeAlertRequest("On it."), Cancellation);

        InputOf(host, "ack-note").Change("Me too.");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Contains(
            $"Alert {alert.Id} was acknowledged by alice", host.Find("[data-testid=form-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("On it.", (await Alerts.GetAsync(alert.Id, Cancellation)).AcknowledgeNote);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task A_viewer_is_told_they_may_not_acknowledge()
    {
        Authorization.SetRoles(nameof(ActorRole.Viewer));
        var alert = await FireAlertAsync();
        var (host, dialog) = await OpenAsync(alert);

        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Contains("acknowledge alerts", host.Find("[data-testid=form-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(AlertState.Firing, (await Alerts.GetAsync(alert.Id, Cancellation)).State);
        Assert.False(dialog.Result.IsCompleted);
    }

    private async Task<AlertInfo> FireAlertAsync()
    {
        await SeedDefaultAlertRulesAsync();
        return await FireErrorRateAlertAsync();
    }

    private async Task<(IRenderedComponent<ContainerFragment> Host, IDialogReference Dialog)> OpenAsync(AlertInfo alert)
    {
        var host = RenderWithProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var parameters = new DialogParameters<AcknowledgeAlertDialog> { { d => d.Alert, alert } };
        var dialog = await Renderer.Dispatcher.InvokeAsync(() => dialogs.ShowAsync<AcknowledgeAlertDialog>("Acknowledge alert", parameters));
        host.WaitForElement("[data-testid=ack-note]");
        return (host, dialog);
    }
}
