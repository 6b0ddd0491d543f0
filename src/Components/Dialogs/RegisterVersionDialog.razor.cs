using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Registry;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Dialogs;

/// <summary>
/// Registers an immutable version. An invalid number or a duplicate is shown on the version field and nothing is
/// stored; the helper text says whether the number is a breaking change against the newest version.
/// </summary>
public sealed partial class RegisterVersionDialog
{
    private const string VersionField = "version";
    private const string EndpointField = "endpoint";
    private const string ChangelogField = "changelog";
    private const string ProviderField = "metadata.provider";
    private const string ContextWindowField = "metadata.contextWindow";
    private const string InputPriceField = "metadata.inputPricePer1k";
    private const string OutputPriceField = "metadata.outputPricePer1k";
    private const string UpstreamModelField = "metadata.upstreamModel";
    private static readonly Dictionary<string, string> Fields = new()
    {
        [VersionField] = "Version", [EndpointField] = "Endpoint", [ChangelogField] = "Changelog", [ProviderField] = "Provider / runtime",
        [ContextWindowField] = "Context window (tokens)", [InputPriceField] = "Input price per 1k tokens", [OutputPriceField] = "Output price per 1k tokens",
        [UpstreamModelField] = "Upstream model id",
    };

    private MudForm? _form;
    private string _version = "";
    private string _endpoint = "";
    private string? _changelog;
    private string? _provider;
    private int? _contextWindow;
    private decimal? _inputPrice;
    private decimal? _outputPrice;
    private string? _upstreamModel;
    private string? _previous;

    [CascadingParameter]
    public required IMudDialogInstance Dialog { get; set; }

    [Parameter, EditorRequired]
    public required string Model { get; set; }

    /// <summary>The newest registered version as the opener knows it; the dialog looks up the newest itself and uses this only when it finds none.</summary>
    [Parameter]
    public string? LatestVersion { get; set; }

    [Inject]
    public required VersionService Versions { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    private string VersionHint
    {
        get
        {
            if (_previous is null)
            {
                return "MAJOR.MINOR.PATCH[-prerelease], e.g. 1.0.0.";
            }

            if (!SemanticVersion.TryParse(_version, out _, out _))
            {
                return $"Newest is {_previous}. Same MAJOR = compatible.";
            }

            return Compatibility.Between(_previous, _version.Trim()).Reason;
        }
    }

    // Whoever opens the dialog may not know the newest version (or know one that was registered elsewhere since):
    // the comparison is with the newest registered now, whether or not anything serves it.
    protected override async Task OnInitializedAsync() =>
        _previous = (await Versions.ListAsync(Model)).Select(v => v.Version).FirstOrDefault() ?? LatestVersion;

    // Empty is left to Required, which speaks only on submit, so an untouched form shows no errors.
    private static string? ValidateVersion(string? version) =>
        string.IsNullOrEmpty(version) || SemanticVersion.TryParse(version, out _, out var problem) ? null : problem;

    private static string? ValidateEndpoint(string? endpoint) =>
        string.IsNullOrEmpty(endpoint) || RegistryRules.EndpointProblem(endpoint) is not { } problem ? null : OperatorWords.Rephrase(problem, Fields);

    private void Cancel() => Dialog.Cancel();

    private Task SubmitAsync() => SaveAsync(_form, Fields, async () =>
    {
        var created = await Versions.RegisterAsync(
            await CurrentActor.GetAsync(),
            Model,
            new RegisterVersionRequest(
                _version.Trim(),
                _endpoint.Trim(),
                Changelog: _changelog,
                Metadata: new VersionMetadata(_provider, _contextWindow, _inputPrice, _outputPrice, _upstreamModel)));
        Dialog.Close(DialogResult.Ok(created));
    });
}
