using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Hosting;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Dialogs;

/// <summary>Creates or edits an alert rule; the engine validates the whole rule and its refusals land on the fields.</summary>
public sealed partial class AlertRuleDialog
{
    private const string NameField = "name";
    private const string ThresholdField = "threshold";
    private const string WindowField = "windowSeconds";
    private const string ForField = "forSeconds";
    private const string MinSamplesField = "minSamples";
    private const string CooldownField = "cooldownSeconds";
    private const string ModelField = "model";
    private const string EnvironmentField = "environment";
    private static readonly Dictionary<string, string> Fields = new()
    {
        [NameField] = "Name", [ThresholdField] = "Threshold", [WindowField] = "Window (s)", [ForField] = "For (s)", [MinSamplesField] = "Minimum requests",
        [CooldownField] = "Cooldown (s)", [ModelField] = "Model", [EnvironmentField] = "Environment",
    };

    private string? _name;
    private AlertMetric _metric = AlertMetric.ErrorRate;
    private AlertComparator _comparator = AlertComparator.GreaterThan;
    private double? _threshold;
    private int? _windowSeconds = 60;
    private int? _forSeconds = 0;
    private int? _minSamples = 20;
    private int? _cooldownSeconds = AlertRule.DefaultCooldownSeconds;
    private AlertSeverity _severity = AlertSeverity.Warning;
    private string? _model;
    private string? _environment;
    private bool _enabled = true;

    [CascadingParameter]
    public required IMudDialogInstance Dialog { get; set; }

    /// <summary>The rule to edit; null for a new one.</summary>
    [Parameter]
    public AlertRuleInfo? Rule { get; set; }

    [Inject]
    public required AlertRuleService Rules { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    private string Unit => _metric switch
    {
        AlertMetric.ErrorRate or AlertMetric.SuccessRate => "%",
        AlertMetric.TokensPerRequest => "tokens",
        _ => "ms",
    };

    protected override void OnParametersSet()
    {
        if (Rule is { } rule)
        {
            (_name, _metric, _comparator, _threshold) = (rule.Name, rule.Metric, rule.Comparator, rule.Threshold);
            (_windowSeconds, _forSeconds, _minSamples, _severity) = (rule.WindowSeconds, rule.ForSeconds, rule.MinSamples, rule.Severity);
            (_model, _environment, _enabled, _cooldownSeconds) = (rule.Model, rule.Environment, rule.Enabled, rule.CooldownSeconds);
        }
    }

    private Task SubmitAsync() => SaveAsync(form: null, Fields, async () =>
    {
        var request = new AlertRuleRequest(_name, _metric.ToString(), _comparator.ToString(), _threshold, _windowSeconds, _forSeconds,
            _severity.ToString(), _model, _environment, _minSamples, _enabled, Rule?.ConcurrencyStamp, _cooldownSeconds);
        var actor = await CurrentActor.GetAsync();
        var saved = Rule is null ? await Rules.CreateAsync(actor, request) : await Rules.UpdateAsync(actor, Rule.Id, request);
        Dialog.Close(DialogResult.Ok(saved));
    });
}
