using Bunit;
using Bunit.Rendering;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Components.Dialogs;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Dialogs;

public sealed class AlertRuleDialogTests : DashboardTestContext
{
    [Fact]
    public async Task An_error_rate_threshold_above_100_shows_the_engines_message_on_the_threshold_field_and_stores_nothing()
    {
        var (host, dialog) = await OpenAsync(rule: null);

        InputOf(host, "rule-name").Change("Error rate above 150%");
        InputOf(host, "rule-threshold").Change("150");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "rule-threshold"));
            Assert.Contains("A rate threshold is a percentage from 0 to 100.", FieldText(host, "rule-threshold"), StringComparison.Ordinal);
        });
        Assert.False(FieldHasError(host, "rule-name"));
        Assert.Empty(host.FindAll("[data-testid=form-error]"));
        Assert.Empty(await AlertRules.ListAsync(Cancellation));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task A_negative_cooldown_shows_the_engines_message_on_the_cooldown_field_and_stores_nothing()
    {
        var (host, dialog) = await OpenAsync(rule: null);

        InputOf(host, "rule-name").Change("Error rate above 5%");
        InputOf(host, "rule-threshold").Change("5");
        InputOf(host, "rule-cooldown").Change("-1");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Contains("Cooldown (s) must be from 0 to 3600", FieldText(host, "rule-cooldown"), StringComparison.Ordinal));
        Assert.Empty(await AlertRules.ListAsync(Cancellation));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Without_a_name_or_threshold_each_field_shows_what_is_missing()
    {
        var (host, dialog) = await OpenAsync(rule: null);

        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.Contains("Name is required", FieldText(host, "rule-name"), StringComparison.Ordinal);
            Assert.Contains("Threshold is required and must be a number ≥ 0", FieldText(host, "rule-threshold"), StringComparison.Ordinal);
        });
        Assert.Empty(await AlertRules.ListAsync(Cancellation));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task After_a_refused_threshold_the_corrected_rule_saves_on_the_next_click()
    {
        var (host, dialog) = await OpenAsync(rule: null);
        InputOf(host, "rule-name").Change("Error rate above 5%");
        InputOf(host, "rule-threshold").Change("150");
        await host.Find("[data-testid=submit]").ClickAsync(new());
        host.WaitForAssertion(() => Assert.True(FieldHasError(host, "rule-threshold")));

        InputOf(host, "rule-threshold").Change("5");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        var saved = Assert.IsType<AlertRuleInfo>(result.Data);
        Assert.Equal(5, saved.Threshold);
        Assert.Equal(saved, Assert.Single(await AlertRules.ListAsync(Cancellation)));
    }

    [Fact]
    public async Task A_valid_rule_is_stored_with_the_dialogs_defaults_and_the_operator_as_author()
    {
        var (host, dialog) = await OpenAsync(rule: null);

        InputOf(host, "rule-name").Change("  Error rate above 5%  ");
        InputOf(host, "rule-threshold").Change("5");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        var stored = Assert.Single(await AlertRules.ListAsync(Cancellation));
        Assert.Equal(stored, result.Data);
        Assert.Equal("Error rate above 5%", stored.Name);
        Assert.Equal("Error rate > 5%", stored.Condition);
        Assert.Equal((60, 0, 20, 60, AlertSeverity.Warning, true),
            (stored.WindowSeconds, stored.ForSeconds, stored.MinSamples, stored.CooldownSeconds, stored.Severity, stored.Enabled));
        Assert.Null(stored.Model);
        Assert.Null(stored.Environment);
        Assert.Equal(OperatorName, stored.UpdatedBy);
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=rule-name]")));
    }

    [Fact]
    public async Task Editing_shows_the_rule_and_saves_the_change_over_it()
    {
        var rule = await AlertRules.CreateAsync(Seeder, new AlertRuleRequest("Error rate above 10%", "errorRate", "greaterThan", 10, Severity: "critical"), Cancellation);
        var (host, dialog) = await OpenAsync(rule);
        Assert.Contains("Edit “Error rate above 10%”", Normalize(host.Find(".mud-dialog-title").TextContent), StringComparison.Ordinal);
        Assert.Equal("Error rate above 10%", InputOf(host, "rule-name").GetAttribute("value"));
        Assert.Equal("10", InputOf(host, "rule-threshold").GetAttribute("value"));

        InputOf(host, "rule-threshold").Change("20");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        var stored = Assert.Single(await AlertRules.ListAsync(Cancellation));
        Assert.Equal((rule.Id, "Error rate > 20%", AlertSeverity.Critical, OperatorName), (stored.Id, stored.Condition, stored.Severity, stored.UpdatedBy));
    }

    [Fact]
    public async Task A_rule_edited_elsewhere_meanwhile_is_refused_with_who_changed_it()
    {
        var rule = await AlertRules.CreateAsync(Seeder, new AlertRuleRequest("Error rate above 10%", "errorRate", "greaterThan", 10), Cancellation);
        var (host, dialog) = await OpenAsync(rule);
        await AlertRules.UpdateAsync(Seeder, rule.Id, new AlertRuleRequest("Error rate above 10%", "errorRate", "greaterThan", 15), Cancellation);

        InputOf(host, "rule-threshold").Change("20");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Contains(
            $"Alert rule 'Error rate above 10%' was changed by {Seeder.Name}", host.Find("[data-testid=form-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(15, (await AlertRules.GetAsync(rule.Id, Cancellation)).Threshold);
        Assert.False(dialog.Result.IsCompleted);
    }

    private async Task<(IRenderedComponent<ContainerFragment> Host, IDialogReference Dialog)> OpenAsync(AlertRuleInfo? rule)
    {
        var host = RenderWithProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var parameters = new DialogParameters<AlertRuleDialog> { { d => d.Rule, rule } };
        var dialog = await Renderer.Dispatcher.InvokeAsync(() => dialogs.ShowAsync<AlertRuleDialog>("Alert rule", parameters));
        host.WaitForElement("[data-testid=rule-name]");
        return (host, dialog);
    }
}
