using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Pages.Deployments;

/// <summary>
/// The guided path to a deployment: model/version → environment → strategy (with its trade-off) → guard rules → review
/// (compatibility, protected environment, snapshot) → launch. The engine checks everything again on launch and its
/// refusal is shown on the review step as it is.
/// </summary>
public sealed partial class DeploymentWizard : IAsyncDisposable
{
    /// <summary>What the engine's refusals call the wizard's fields, in the words the wizard shows them with.</summary>
    private static readonly Dictionary<string, string> FieldLabels = new()
    {
        ["model"] = "Model", ["version"] = "Version to deploy", ["environment"] = "Environment", ["strategy"] = "Strategy",
        ["canary.steps"] = "Steps (% of traffic)", ["canary.stepSeconds"] = "Hold each step (seconds)", ["reason"] = "Reason",
    };

    /// <summary>API instructions that mean something to do on the review step.</summary>
    private static readonly Dictionary<string, string> Phrases = new()
    {
        ["Set 'acknowledgeBreakingChange' to true"] = "Confirm that you accept the breaking change (the box above)",
    };

    private static readonly (DeploymentStrategy Strategy, string TradeOff)[] StrategyTradeOffs =
    [
        (DeploymentStrategy.Canary, "Moves traffic in steps (10% → 50% → 100%), holding each while guard rules compare the new version with the stable one; rolls back by itself on a breach. Slowest, safest."),
        (DeploymentStrategy.BlueGreen, "Health-checks the new version while the old one serves everything, then flips 100% at once; the old version stays ready as the instant rollback target. No gradual exposure."),
        (DeploymentStrategy.Direct, "Switches 100% of traffic at once. Fastest; a brief window of errors is possible while clients reconnect. Refused for a breaking change into a protected environment."),
    ];

    private IReadOnlyList<string> _models = [];
    private IReadOnlyList<VersionInfo> _versions = [];
    private IReadOnlyList<EnvironmentInfo> _environments = [];
    private IReadOnlyList<RouteInfo> _routes = [];
    private IReadOnlyList<DeploymentSummary> _recentRollbacks = [];
    private int _step;
    private string? _model;
    private string? _version;
    private string? _environment;
    private DeploymentStrategy _strategy = DeploymentStrategy.Canary;
    private string _canarySteps = string.Join(", ", DeploymentRequestRules.DefaultCanarySteps);
    private int _stepSeconds = DeploymentRequestRules.DefaultStepSeconds;
    private GuardRules _guard = GuardRules.Default;
    private bool _acknowledgeBreaking;
    private string? _reason;
    private string? _stepError;
    private string? _launchError;
    private bool _launching;
    private readonly ElementReference[] _stepBodies = new ElementReference[5];
    private bool _focusStep;
    private IJSObjectReference? _focusModule;

    [SupplyParameterFromQuery(Name = "model")]
    public string? ModelFromQuery { get; set; }

    [SupplyParameterFromQuery(Name = "version")]
    public string? VersionFromQuery { get; set; }

    [Inject]
    public required ModelService Models { get; init; }

    [Inject]
    public required VersionService Versions { get; init; }

    [Inject]
    public required RouteService Routes { get; init; }

    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    /// <summary>How far back a rollback of the same version into the same environment is worth a warning.</summary>
    private static readonly TimeSpan RecentRollbackWindow = TimeSpan.FromHours(24);

    private string? StableVersion => _routes.FirstOrDefault(r => r.Environment == _environment)?.PrimaryVersion;

    private bool IsProtected => _environments.FirstOrDefault(e => e.Name == _environment)?.Protected ?? false;

    private bool BreakingChange => StableVersion is { } stable && _version is { } target && !Compatibility.Between(stable, target).Compatible;

    protected override async Task OnInitializedAsync()
    {
        _models = [.. (await Models.SearchAsync(new ModelQuery(PageSize: 200))).Items.Select(m => m.Name)];
        _environments = await Routes.ListEnvironmentsAsync();
        _environment = _environments.FirstOrDefault(e => !e.Protected)?.Name;
        if (ModelFromQuery is { } model && _models.Contains(model))
        {
            await OnModelChanged(model);
            _version = _versions.Any(v => v.Version == VersionFromQuery) ? VersionFromQuery : _version;
        }
    }

    private Task<IEnumerable<string>> SearchModels(string? text, CancellationToken cancellationToken) =>
        Task.FromResult<IEnumerable<string>>(string.IsNullOrWhiteSpace(text)
            ? _models
            : _models.Where(m => m.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase))
                .OrderBy(m => m.StartsWith(text.Trim(), StringComparison.OrdinalIgnoreCase) ? 0 : 1));

    private static string EnvironmentLabel(EnvironmentInfo environment) =>
        environment.Protected ? $"{environment.Name} (protected)" : environment.Name;

    private void OnStepChanged(int step)
    {
        _step = step;
        _focusStep = true;
    }

    // After Next or Back the new step is only in the DOM once rendered: keyboard users continue in its first field
    // instead of on a button that has just disappeared.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_focusStep)
        {
            return;
        }

        _focusStep = false;
        try
        {
            _focusModule ??= await JS.InvokeAsync<IJSObjectReference>("import", "./" + Assets["js/focus.js"]);
            await _focusModule.InvokeAsync<bool>("focusFirstField", _stepBodies[_step]);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; there is nobody to focus for.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_focusModule is not null)
        {
            try
            {
                await _focusModule.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The browser went first and took the module with it.
            }
        }
    }

    private async Task OnModelChanged(string? model)
    {
        _model = model;
        _versions = model is null ? [] : await Versions.ListAsync(model);
        _routes = model is null ? [] : await Routes.ListAsync(model: model);
        _version = _versions.FirstOrDefault(v => v.Status == VersionStatus.Active)?.Version;
    }

    private static string StrategyLabel(DeploymentStrategy strategy) => strategy switch
    {
        DeploymentStrategy.BlueGreen => "Blue-green",
        DeploymentStrategy.Canary => "Canary",
        _ => "Direct",
    };

    private async Task OnPreviewInteraction(StepperInteractionEventArgs args)
    {
        _stepError = null;
        if (args.Action != StepAction.Complete)
        {
            return;
        }

        _stepError = args.StepIndex switch
        {
            0 when _model is null || _version is null => "Choose a model and a version.",
            1 when _environment is null => "Choose an environment.",
            1 when StableVersion == _version => $"{_environment} already serves {_version} with all its traffic.",
            2 when _strategy == DeploymentStrategy.Canary && ParseSteps() is null => "Canary steps must be whole percentages, ascending, ending at 100.",
            _ => null,
        };
        args.Cancel = _stepError is not null;
        if (!args.Cancel && args.StepIndex == 3)
        {
            await LoadReviewAsync();
        }
    }

    /// <summary>The review shows the route as it is now, not as it was when the model was chosen, and recent rollbacks of the target.</summary>
    private async Task LoadReviewAsync()
    {
        _routes = await Routes.ListAsync(model: _model);
        var since = Clock.GetUtcNow().UtcDateTime - RecentRollbackWindow;
        var rolledBack = await Deployments.ListAsync(new DeploymentQuery(_model, _environment, nameof(DeploymentStatus.RolledBack)));
        _recentRollbacks = [.. rolledBack.Where(d => d.ToVersion == _version && (d.FinishedAt ?? d.UpdatedAt) >= since)];
    }

    private List<int>? ParseSteps()
    {
        var parts = _canarySteps.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        var steps = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, out var step) || step is < 1 or > 100 || (steps.Count > 0 && step <= steps[^1]))
            {
                return null;
            }

            steps.Add(step);
        }

        return steps.Count > 0 && steps[^1] == 100 ? steps : null;
    }

    private async Task LaunchAsync()
    {
        _launchError = null;
        _launching = true;
        try
        {
            var request = new CreateDeploymentRequest(
                _model,
                _version,
                _environment,
                _strategy switch { DeploymentStrategy.BlueGreen => "blueGreen", DeploymentStrategy.Canary => "canary", _ => "direct" },
                _strategy == DeploymentStrategy.Canary ? new CanaryPlanInput(ParseSteps(), _stepSeconds) : null,
                _guard,
                _acknowledgeBreaking,
                _reason);
            var created = await Deployments.CreateAsync(await CurrentActor.GetAsync(), request);
            Navigation.NavigateTo($"/deployments/{created.Id}");
        }
        catch (OperationException refused)
        {
            _launchError = OperatorWords.Rephrase(refused.Message, FieldLabels, Phrases);
        }
        finally
        {
            _launching = false;
        }
    }
}
