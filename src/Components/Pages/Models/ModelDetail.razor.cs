using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Components.Controls.Sparklines;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Telemetry;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Pages.Models;

/// <summary>
/// One model: its routes (each serving version with its live requests/s and error-rate sparklines), versions (newest
/// first, with compatibility against what each environment serves) and timeline.
/// </summary>
public sealed partial class ModelDetail
{
    private ModelDetails? _model;
    private IReadOnlyList<AuditRecord> _timeline = [];
    private bool _notFound;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private SparklineGroup? _sparklines;
    private Actor? _actor;

    [Parameter]
    public required string Name { get; set; }

    [Inject]
    public required ModelService Models { get; init; }

    [Inject]
    public required VersionService Versions { get; init; }

    [Inject]
    public required AuditLog Audit { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    [Inject]
    public required LiveFeed Feed { get; init; }

    protected override void OnInitialized()
    {
        base.OnInitialized();
        _sparklines = SparklineGroup.Start(Feed, InvokeAsync, DispatchExceptionAsync);
    }

    // A Viewer gets the page without the buttons the engine would refuse them.
    private bool CanRegister => _actor?.Can(ActorRole.Automation) ?? false;

    private bool CanOperate => _actor?.Can(ActorRole.Operator) ?? false;

    protected override async Task OnParametersSetAsync()
    {
        _actor ??= await CurrentActor.GetAsync();
        _breadcrumbs = [new("Models", "/models"), new(Name, null, disabled: true)];
        await LoadAsync();
    }

    protected override bool IsRelevant(Change change) => change.Model == Name;

    protected override Task OnChangesAsync(IReadOnlyList<Change> changes) => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            _model = await Models.GetAsync(Name);
            _timeline = (await Audit.QueryAsync(new AuditQuery(Model: Name, PageSize: 200))).Items;
            _notFound = false;
        }
        catch (NotFoundException)
        {
            _notFound = true;
            _model = null;
        }
    }

    private async Task OpenRegisterVersionDialog()
    {
        var parameters = new DialogParameters<RegisterVersionDialog>
        {
            { d => d.Model, Name },
            { d => d.LatestVersion, _model is { Versions.Count: > 0 } m ? m.Versions[0].Version : null },
        };
        var dialog = await Dialogs.ShowAsync<RegisterVersionDialog>("Register version", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: VersionInfo created })
        {
            Snackbar.Add($"{Name}@{created.Version} registered.", Severity.Success);
            await LoadAsync();
        }
    }

    private static string Runtime(VersionMetadata metadata)
    {
        var window = metadata.ContextWindow switch
        {
            null => null,
            >= 1000 => $"{metadata.ContextWindow / 1000}k ctx",
            { } tokens => $"{tokens} ctx",
        };
        return string.Join(" · ", new[] { metadata.Provider, window }.Where(p => p is not null));
    }

    private async Task ChangeStatusAsync(VersionInfo version, VersionStatus status)
    {
        try
        {
            await Versions.UpdateAsync(await CurrentActor.GetAsync(), Name, version.Version,
                new UpdateVersionRequest(Status: status.ToString(), ConcurrencyStamp: version.ConcurrencyStamp));
            Snackbar.Add($"{Name}@{version.Version} is now {status.ToString().ToLowerInvariant()}.", Severity.Success);
        }
        catch (OperationException refused)
        {
            Snackbar.Add(refused.Message, Severity.Error);
        }

        await LoadAsync();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        if (_sparklines is not null)
        {
            await _sparklines.DisposeAsync();
        }

        await base.DisposeAsyncCore();
    }
}
