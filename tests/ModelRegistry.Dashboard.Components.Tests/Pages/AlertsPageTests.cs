using AngleSharp.Dom;
using Bunit;
using Bunit.Rendering;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Components.Pages.Alerts;
using ModelRegistry.Dashboard.Deployments;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class AlertsPageTests : DashboardTestContext
{
    private const string Target = "staging/support-chat@1.0.0";
    private static readonly string[] RuleColumns = ["Name", "Condition", "Scope", "Window", "Severity", "Enabled"];

    [Fact]
    public async Task A_firing_alert_is_listed_under_Firing_with_its_condition_target_and_value()
    {
        await SeedDefaultAlertRulesAsync();
        await FireErrorRateAlertAsync();

        var host = RenderPage();

        host.WaitForAssertion(() =>
        {
            Assert.Equal(["Firing (1)", "Acknowledged (0)", "Resolved"], Tabs(host));
            var row = Assert.Single(AlertRows(host));
            Assert.Equal("Error rate > 10% Error rate above 10%", Cell(row, "Condition"));
            Assert.Equal(Target, Cell(row, "Where"));
            Assert.Equal("/models/support-chat", row.QuerySelector("td[data-label=Where] a")!.GetAttribute("href"));
            Assert.Equal("50%", Cell(row, "Value"));
            Assert.Equal("critical", Cell(row, "Severity"));
            Assert.NotNull(row.QuerySelector("[data-testid=acknowledge]"));
        });
    }

    [Fact]
    public async Task An_alert_fired_after_render_appears_live()
    {
        await SeedDefaultAlertRulesAsync();
        var host = RenderPage();
        host.WaitForAssertion(() =>
        {
            Assert.Equal("Firing (0)", Tabs(host)[0]);
            Assert.Contains("Nothing is firing.", ActivePanelText(host), StringComparison.Ordinal);
        });

        await FireErrorRateAlertAsync();

        host.WaitForAssertion(() =>
        {
            Assert.Equal("Firing (1)", Tabs(host)[0]);
            Assert.Equal(Target, Cell(Assert.Single(AlertRows(host)), "Where"));
        });
    }

    [Fact]
    public async Task Acknowledge_with_a_note_moves_the_alert_to_Acknowledged_as_the_operator()
    {
        await SeedDefaultAlertRulesAsync();
        var alert = await FireErrorRateAlertAsync();
        var host = RenderPage();
        host.WaitForAssertion(() => Assert.Single(AlertRows(host)));

        // Click, not ClickAsync: the page awaits the dialog's result.
        host.Find("[data-testid=acknowledge]").Click();
        host.WaitForElement("[data-testid=ack-note]");
        Assert.Contains($"Error rate > 10% on {Target}", Normalize(host.Find(".mud-dialog").TextContent), StringComparison.Ordinal);
        InputOf(host, "ack-note").Change("  Rolling back to 0.9.0.  ");
        await host.Find(".mud-dialog [data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.Empty(host.FindAll(".mud-dialog"));
            Assert.Equal(["Firing (0)", "Acknowledged (1)", "Resolved"], Tabs(host));
        });
        var stored = await Alerts.GetAsync(alert.Id, Cancellation);
        Assert.Equal(AlertState.Acknowledged, stored.State);
        Assert.Equal(OperatorName, stored.AcknowledgedBy);
        Assert.Equal("Rolling back to 0.9.0.", stored.AcknowledgeNote);

        host.FindAll(".mud-tab").Single(t => t.TextContent.StartsWith("Acknowledged", StringComparison.Ordinal)).Click();
        host.WaitForAssertion(() =>
        {
            var row = Assert.Single(AlertRows(host));
            Assert.StartsWith($"acknowledged by {OperatorName}", Cell(row, "Handled"), StringComparison.Ordinal);
            Assert.EndsWith("“Rolling back to 0.9.0.”", Cell(row, "Handled"), StringComparison.Ordinal);
            Assert.Null(row.QuerySelector("[data-testid=acknowledge]"));
        });
    }

    [Fact]
    public async Task The_rules_table_lists_the_default_rules()
    {
        await SeedDefaultAlertRulesAsync();

        var host = RenderPage();

        host.WaitForAssertion(() => Assert.Equal(
            [
                "Average latency above 2 s | Average latency > 2000 ms | every model · every environment | 60 s ≥ 20 requests · resolves after 60 s clear | warning | yes",
                "Error rate above 10% | Error rate > 10% | every model · every environment | 60 s ≥ 20 requests · resolves after 60 s clear | critical | yes",
            ],
            RuleRows(host)));
    }

    [Fact]
    public async Task A_rule_saved_in_the_New_rule_dialog_appears_in_the_rules_table()
    {
        await SeedDefaultAlertRulesAsync();
        var host = RenderPage();
        host.WaitForAssertion(() => Assert.Equal(2, RuleRows(host).Count));

        host.Find("[data-testid=new-rule]").Click();
        host.WaitForElement("[data-testid=rule-name]");
        InputOf(host, "rule-name").Change("Error rate above 5%");
        InputOf(host, "rule-threshold").Change("5");
        InputOf(host, "rule-cooldown").Change("120");
        await host.Find(".mud-dialog [data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.Empty(host.FindAll(".mud-dialog"));
            Assert.Equal("Error rate above 5% | Error rate > 5% | every model · every environment | 60 s ≥ 20 requests · resolves after 120 s clear | warning | yes", RuleRows(host)[2]);
        });
        var saved = (await AlertRules.ListAsync(Cancellation))[2];
        Assert.Equal(OperatorName, saved.UpdatedBy);
    }

    [Fact]
    public async Task Deleting_a_rule_removes_it_and_its_open_alert_resolves_on_the_next_evaluation()
    {
        await SeedDefaultAlertRulesAsync();
        await FireErrorRateAlertAsync();
        var host = RenderPage();
        host.WaitForAssertion(() => Assert.Single(AlertRows(host)));

        host.Find("[aria-label='Delete Error rate above 10%']").Click();
        host.WaitForAssertion(() => Assert.Contains("Delete “Error rate above 10%”? Its open alerts resolve.", Normalize(host.Find(".mud-dialog").TextContent), StringComparison.Ordinal));
        host.FindAll(".mud-dialog button").Single(b => Normalize(b.TextContent) == "Delete").Click();
        host.WaitForAssertion(() => Assert.Equal(["Average latency above 2 s"], RuleRows(host).Select(r => r.Split(" | ")[0])));

        await EvaluateAlertsAsync();

        host.WaitForAssertion(() => Assert.Equal(["Firing (0)", "Acknowledged (0)", "Resolved"], Tabs(host)));
        host.FindAll(".mud-tab").Single(t => Normalize(t.TextContent) == "Resolved").Click();
        host.WaitForAssertion(() => Assert.StartsWith("resolved", Cell(Assert.Single(AlertRows(host)), "Handled"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_firing_alert_whose_condition_cleared_stays_under_Firing_and_says_it_is_clearing()
    {
        await SeedDefaultAlertRulesAsync();
        await FireErrorRateAlertAsync();
        var host = RenderPage();
        host.WaitForAssertion(() => Assert.Empty(Assert.Single(AlertRows(host)).QuerySelectorAll("[data-testid=clearing]")));

        // 50 errors in 600 requests = 8.3%: clear, but the 60 s cooldown has only begun.
        await RecordTrafficAsync("staging", "support-chat", "1.0.0", requests: 500);
        await EvaluateAlertsAsync();

        host.WaitForAssertion(() =>
        {
            Assert.Equal(["Firing (1)", "Acknowledged (0)", "Resolved"], Tabs(host));
            var clearing = Assert.Single(AlertRows(host)).QuerySelector("[data-testid=clearing]");
            Assert.StartsWith("clearing: condition clear since just now", Normalize(clearing!.TextContent), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task An_alert_links_to_its_versions_metrics_and_without_an_active_deployment_offers_no_roll_back()
    {
        await SeedDefaultAlertRulesAsync();
        await FireErrorRateAlertAsync();

        var host = RenderPage();

        host.WaitForAssertion(() =>
        {
            var row = Assert.Single(AlertRows(host));
            Assert.Equal("/models/support-chat/metrics?environment=staging", row.QuerySelector("[data-testid=alert-metrics]")!.GetAttribute("href"));
            Assert.Equal("metrics of 1.0.0", Normalize(row.QuerySelector("[data-testid=alert-metrics]")!.TextContent));
            Assert.Null(row.QuerySelector("[data-testid=alert-deployment]"));
            Assert.Null(row.QuerySelector("[data-testid=alert-rollback]"));
        });
    }

    [Fact]
    public async Task An_alert_on_a_canary_links_to_its_deployment_and_rolls_it_back_with_a_reason()
    {
        await SeedDefaultAlertRulesAsync();
        var canary = await StartCanaryAsync();
        await RecordTrafficAsync("staging", "support-chat", "1.1.0", requests: 100, failEvery: 2);
        await EvaluateAlertsAsync();
        var host = RenderPage();
        host.WaitForAssertion(() =>
        {
            var row = Assert.Single(AlertRows(host));
            Assert.Equal("staging/support-chat@1.1.0", Cell(row, "Where"));
            Assert.Equal($"/deployments/{canary.Id}", row.QuerySelector("[data-testid=alert-deployment]")!.GetAttribute("href"));
            Assert.Contains($"deployment #{canary.Id} (progressing, 10%)", Cell(row, "Follow up"), StringComparison.Ordinal);
        });

        // Click, not ClickAsync: the page awaits the dialog's result. The dialog is the deployment page's own.
        host.Find("[data-testid=alert-rollback]").Click();
        host.WaitForElement("[data-testid=rollback-reason]");
        Assert.Contains($"Roll back deployment #{canary.Id}", Normalize(host.Find(".mud-dialog").TextContent), StringComparison.Ordinal);
        await host.Find(".mud-dialog [data-testid=confirm-rollback]").ClickAsync(new());
        host.WaitForAssertion(() => Assert.Contains("Say why you are rolling back.", Normalize(host.Find(".mud-dialog").TextContent), StringComparison.Ordinal));
        Assert.Equal(DeploymentStatus.Progressing, (await Deployments.GetAsync(canary.Id, Cancellation)).Status);

        InputOf(host, "rollback-reason").Change("error rate alert on the canary");
        await host.Find(".mud-dialog [data-testid=confirm-rollback]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.Empty(host.FindAll(".mud-dialog"));
            Assert.Null(Assert.Single(AlertRows(host)).QuerySelector("[data-testid=alert-deployment]"));
        });
        var rolledBack = await Deployments.GetAsync(canary.Id, Cancellation);
        Assert.NotEqual(DeploymentStatus.Progressing, rolledBack.Status);
        Assert.Contains("error rate alert on the canary", rolledBack.RollbackCause, StringComparison.Ordinal);
        Assert.Contains(OperatorName, rolledBack.RollbackCause, StringComparison.Ordinal);
    }

    private IRenderedComponent<ContainerFragment> RenderPage() => RenderWithProviders(Page<AlertsPage>());

    private static List<string> Tabs(IRenderedComponent<ContainerFragment> host) =>
        [.. host.FindAll("[data-testid=alert-tabs] .mud-tab").Select(t => Normalize(t.TextContent))];

    private static string ActivePanelText(IRenderedComponent<ContainerFragment> host) =>
        Normalize(host.Find("[data-testid=alert-table]").TextContent);

    private static List<IElement> AlertRows(IRenderedComponent<ContainerFragment> host) =>
        [.. host.FindAll("[data-testid=alert-table] tbody tr").Where(r => r.QuerySelector("td[data-label=Where]") is not null)];

    private static List<string> RuleRows(IRenderedComponent<ContainerFragment> host) =>
        [.. host.FindAll("[data-testid=alert-rules] tbody tr")
            .Where(r => r.QuerySelector("td[data-label=Name]") is not null)
            .Select(r => string.Join(" | ", RuleColumns.Select(label => Cell(r, label))))];

    private static string Cell(IElement row, string label) => Normalize(row.QuerySelector($"td[data-label='{label}']")!.TextContent);
}
