using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Pages.Deployments;

/// <summary>
/// One deployment: progress, the live route, new-vs-stable figures, the canary report (live charts since the deployment
/// began and the judgement check by check), the live analysis each second, the verdicts with their evidence, and the commands. Follows deployment and route changes live; a refused command shows the engine's reason.
/// </summary>
public sealed partial class DeploymentDetail
{
    private static readonly TimeSpan FigureWindow = TimeSpan.FromSeconds(60);
    private PeriodicRefresh? _figureRefresh;
    private DeploymentInfo? _deployment;
    private DeploymentAnalysis? _analysis;
    private RouteInfo? _route;
    private bool _notFound;
    private VerdictInfo? _selectedVerdict;
    private CanaryJudgement _report = CanaryJudgement.None;

    /// <summary>Who is looking: the commands are offered to operators; the engine checks again on every one.</summary>
    private Actor? _actor;

    private bool CanOperate => _actor?.Can(ActorRole.Operator) ?? false;
    private List<(string Label, MetricsSummary Summary)> _figures = [];
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Parameter]
    public long Id { get; set; }

    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required RouteService Routes { get; init; }

    [Inject]
    public required IMetricsReader Metrics { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    protected override async Task OnParametersSetAsync()
    {
        _breadcrumbs = [new("Deployments", "/deployments"), new($"#{Id}", null, disabled: true)];
        _actor ??= await CurrentActor.GetAsync();
        await LoadAsync();
        _figureRefresh ??= PeriodicRefresh.Start(TimeSpan.FromSeconds(1), Clock, () => InvokeAsync(() =>
        {
            ReadFigures();
            StateHasChanged();
        }));
    }

    protected override bool IsRelevant(Change change) =>
        change.Kind is ChangeKind.DeploymentChanged or ChangeKind.RouteChanged && (_deployment is null || change.Model == _deployment.Model);

    protected override Task OnChangesAsync(IReadOnlyList<Change> changes) => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            _deployment = await Deployments.GetAsync(Id);
            _notFound = false;
        }
        catch (NotFoundException)
        {
            _notFound = true;
            return;
        }

        try
        {
            _route = await Routes.GetAsync(_deployment.Environment, _deployment.Model);
        }
        catch (NotFoundException)
        {
            _route = null;
        }

        ReadFigures();
    }

    private void ReadFigures()
    {
        if (_deployment is not { } d)
        {
            return;
        }

        _analysis = Deployments.Analyze(d);
        _report = CanaryJudgement.Of(d, _analysis, _selectedVerdict);
        var figures = new List<(string, MetricsSummary)> { ($"{d.ToVersion} (new)", Metrics.Summarize(new SeriesKey(d.Environment, d.Model, d.ToVersion), FigureWindow)) };
        if (d.FromVersion is { } stable)
        {
            figures.Add(($"{stable} (stable)", Metrics.Summarize(new SeriesKey(d.Environment, d.Model, stable), FigureWindow)));
        }

        _figures = figures;
    }

    private void SelectVerdict(VerdictInfo? verdict)
    {
        _selectedVerdict = verdict;
        if (_deployment is { } d)
        {
            _report = CanaryJudgement.Of(d, _analysis, verdict);
        }
    }

    private async Task RunAsync(Func<Actor, Task> command)
    {
        try
        {
            await command(await CurrentActor.GetAsync());
        }
        catch (OperationException refused)
        {
            Snackbar.Add(refused.Message, Severity.Error);
        }

        await LoadAsync();
    }

    private async Task RollbackAsync()
    {
        if (await RollbackDialog.ShowAsync(Dialogs, _deployment!))
        {
            Snackbar.Add($"Deployment #{Id} rolled back.", Severity.Warning);
            await LoadAsync();
        }
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        if (_figureRefresh is not null)
        {
            await _figureRefresh.DisposeAsync();
        }

        await base.DisposeAsyncCore();
    }
}
