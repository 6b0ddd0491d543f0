using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Live;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Pages.Alerts;

/// <summary>
/// Firing, acknowledged and resolved alerts — each linked to its version's metrics and, while a deployment of that version
/// is in flight, to the deployment with a "Roll back" — and the rules editor; follows every alert and deployment change live.
/// </summary>
public sealed partial class AlertsPage
{
    private IReadOnlyList<AlertInfo> _open = [];
    private IReadOnlyList<AlertInfo> _resolved = [];
    private IReadOnlyList<AlertRuleInfo> _rules = [];
    private IReadOnlyList<DeploymentSummary> _active = [];
    private bool _canOperate; // a Viewer gets the page without the buttons the engine would refuse them

    [Inject]
    public required AlertService Alerts { get; init; }

    [Inject]
    public required AlertRuleService Rules { get; init; }

    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _canOperate = (await CurrentActor.GetAsync()).Can(ActorRole.Operator);
        await LoadAsync();
    }

    protected override bool IsRelevant(Change change) => change.Kind is ChangeKind.AlertChanged or ChangeKind.AlertRuleChanged or ChangeKind.DeploymentChanged;

    protected override Task OnChangesAsync(IReadOnlyList<Change> changes) => LoadAsync();

    private async Task LoadAsync()
    {
        var firing = await Alerts.ListAsync(AlertState.Firing, pageSize: 500);
        var acknowledged = await Alerts.ListAsync(AlertState.Acknowledged, pageSize: 500);
        _open = [.. firing.Items, .. acknowledged.Items];
        _resolved = (await Alerts.ListAsync(AlertState.Resolved, pageSize: 100)).Items;
        _rules = await Rules.ListAsync();
        _active = [.. (await Deployments.ListAsync(new DeploymentQuery())).Where(d => d.Status.IsActive())];
    }

    private int Count(AlertState state) => _open.Count(a => a.State == state);

    private IReadOnlyList<AlertInfo> Of(AlertState state) => state == AlertState.Resolved ? _resolved : [.. _open.Where(a => a.State == state)];

    private async Task AcknowledgeAsync(AlertInfo alert)
    {
        var parameters = new DialogParameters<AcknowledgeAlertDialog> { { d => d.Alert, alert } };
        var dialog = await Dialogs.ShowAsync<AcknowledgeAlertDialog>("Acknowledge alert", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            await LoadAsync();
        }
    }

    /// <summary>The operator who arrived from an alert rolls back the deployment of the alerting version (reason required).</summary>
    private async Task RollBackAsync(DeploymentSummary deployment)
    {
        if (await RollbackDialog.ShowAsync(Dialogs, await Deployments.GetAsync(deployment.Id)))
        {
            Snackbar.Add($"Deployment #{deployment.Id} rolled back.", Severity.Warning);
            await LoadAsync();
        }
    }

    private async Task EditRuleAsync(AlertRuleInfo? rule)
    {
        var parameters = new DialogParameters<AlertRuleDialog> { { d => d.Rule, rule } };
        var dialog = await Dialogs.ShowAsync<AlertRuleDialog>(rule is null ? "New alert rule" : "Edit alert rule", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: AlertRuleInfo saved })
        {
            Snackbar.Add($"Rule “{saved.Name}” saved.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task DeleteRuleAsync(AlertRuleInfo rule)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete rule", $"Delete “{rule.Name}”? Its open alerts resolve.", yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        try
        {
            await Rules.DeleteAsync(await CurrentActor.GetAsync(), rule.Id);
            Snackbar.Add($"Rule “{rule.Name}” deleted.", Severity.Success);
        }
        catch (OperationException refused)
        {
            Snackbar.Add(refused.Message, Severity.Error);
        }

        await LoadAsync();
    }
}
