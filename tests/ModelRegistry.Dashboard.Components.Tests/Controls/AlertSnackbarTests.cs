using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Components.Controls;
using ModelRegistry.Dashboard.Live;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Controls;

public sealed class AlertSnackbarTests : DashboardTestContext
{
    private const string Fired = "Alert fired: Error rate > 10% on staging/support-chat@1.0.0 — now 50%.";

    [Fact]
    public void An_announced_alert_change_shows_a_snackbar_with_its_sentence()
    {
        var host = RenderSnackbar();

        Notifier.Publish(new Change(ChangeKind.AlertChanged, "support-chat", "1.0.0", "staging", Fired));

        host.WaitForAssertion(() =>
        {
            var snackbar = Assert.Single(host.FindAll(".mud-snackbar"));
            Assert.Contains(Fired, Normalize(snackbar.TextContent), StringComparison.Ordinal);
            Assert.Contains("mud-alert-filled-error", snackbar.ClassList);
        });
    }

    [Fact]
    public void An_alert_change_without_a_sentence_and_other_changes_show_nothing()
    {
        var host = RenderSnackbar();

        Notifier.Publish(new Change(ChangeKind.AlertChanged, "support-chat", "1.0.0", "staging"));
        Notifier.Publish(new Change(ChangeKind.RouteChanged, "support-chat", Environment: "staging", Detail: "Traffic changed."));
        // Changes are handled in order: once this one shows, the two before it were handled and showed nothing.
        Notifier.Publish(new Change(ChangeKind.AlertChanged, "support-chat", "1.0.0", "staging", Fired));

        host.WaitForAssertion(() =>
            Assert.Equal([Fired], host.FindAll(".mud-snackbar .mud-snackbar-content-message").Select(m => Normalize(m.TextContent))));
    }

    [Fact]
    public void A_resolution_is_shown_as_good_news_and_View_opens_the_alerts_page()
    {
        var host = RenderSnackbar();

        Notifier.Publish(new Change(ChangeKind.AlertChanged, "support-chat", "1.0.0", "staging",
            "Resolved: Error rate > 10% on staging/support-chat@1.0.0 — now 2%."));

        host.WaitForAssertion(() => Assert.Contains("mud-alert-filled-success", host.Find(".mud-snackbar").ClassList));
        host.Find(".mud-snackbar-content-action button").Click();
        Assert.Equal("/alerts", new Uri(Services.GetRequiredService<NavigationManager>().Uri).AbsolutePath);
    }

    [Fact]
    public async Task A_breach_within_the_cooldown_continues_the_alert_without_a_second_announcement()
    {
        await SeedDefaultAlertRulesAsync();
        var host = RenderSnackbar();
        var alert = await FireErrorRateAlertAsync();
        await RecordTrafficAsync("staging", "support-chat", "1.0.0", requests: 500);
        await EvaluateAlertsAsync();
        await RecordTrafficAsync("staging", "support-chat", "1.0.0", requests: 100, failEvery: 1);
        await EvaluateAlertsAsync();

        // Then a real resolution, announced last: with no cooldown the next clear round resolves at once. Changes are
        // handled in order, so once it shows, every round before it has been announced (or not).
        var rule = (await AlertRules.ListAsync(Cancellation)).Single(r => r.Id == alert.RuleId);
        await AlertRules.UpdateAsync(Seeder, rule.Id, new AlertRuleRequest(rule.Name, rule.Metric.ToString(), rule.Comparator.ToString(), rule.Threshold,
            Severity: rule.Severity.ToString(), CooldownSeconds: 0), Cancellation);
        await RecordTrafficAsync("staging", "support-chat", "1.0.0", requests: 2000);
        await EvaluateAlertsAsync();

        host.WaitForAssertion(() => Assert.Equal(
            ["Alert fired", "Resolved"],
            host.FindAll(".mud-snackbar .mud-snackbar-content-message").Select(m => Normalize(m.TextContent).Split(':')[0])));
        var only = Assert.Single((await Alerts.ListAsync(cancellationToken: Cancellation)).Items);
        Assert.Equal((alert.Id, AlertState.Resolved), (only.Id, only.State));
    }

    private IRenderedComponent<ContainerFragment> RenderSnackbar() => RenderWithSnackbar(Page<AlertSnackbar>());
}
