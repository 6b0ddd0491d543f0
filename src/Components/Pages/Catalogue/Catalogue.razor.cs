using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Registry;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Pages.Catalogue;

/// <summary>The model catalogue: server-side paging, search and filters; follows registrations made anywhere.</summary>
public sealed partial class Catalogue
{
    private MudDataGrid<ModelSummary>? _grid;
    private string? _search;
    private string? _tag;
    private string? _tagFromQuery;
    private string? _owner;
    private bool _canRegister; // a Viewer gets the catalogue without the button the engine would refuse them
    private IReadOnlyList<string> _tags = [];
    private IReadOnlyList<string> _owners = [];

    /// <summary><c>?tag=</c>: open the catalogue already filtered (tag chips elsewhere link here).</summary>
    [SupplyParameterFromQuery(Name = "tag")]
    public string? TagFromQuery { get; set; }

    [Inject]
    public required ModelService Models { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _canRegister = (await CurrentActor.GetAsync()).Can(ActorRole.Automation);
        await LoadFacetsAsync();
    }

    protected override Task OnParametersSetAsync()
    {
        // The query changes while the page stays mounted (the nav link, back and forward): follow it.
        var tag = RegistryRules.Blank(TagFromQuery);
        if (tag == _tagFromQuery)
        {
            return Task.CompletedTask;
        }

        _tag = _tagFromQuery = tag;
        return ReloadAsync();
    }

    protected override bool IsRelevant(Change change) =>
        change.Kind is ChangeKind.ModelRegistered or ChangeKind.ModelUpdated or ChangeKind.VersionRegistered;

    protected override async Task OnChangesAsync(IReadOnlyList<Change> changes)
    {
        await LoadFacetsAsync();
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    private async Task<GridData<ModelSummary>> LoadAsync(GridState<ModelSummary> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var (by, descending) = sort?.SortBy switch
        {
            nameof(ModelSummary.DisplayName) => (ModelSort.DisplayName, sort.Descending),
            nameof(ModelSummary.Owner) => (ModelSort.Owner, sort.Descending),
            nameof(ModelSummary.UpdatedAt) => (ModelSort.UpdatedAt, sort.Descending),
            nameof(ModelSummary.Name) => (ModelSort.Name, sort.Descending),
            _ => (ModelSort.Name, false),
        };
        var page = await Models.SearchAsync(new ModelQuery(_search, _tag, _owner, state.Page + 1, state.PageSize, by, descending), cancellationToken);
        return new GridData<ModelSummary> { Items = page.Items, TotalItems = page.Total };
    }

    private async Task LoadFacetsAsync() => (_tags, _owners) = await Models.ListFacetsAsync();

    private Task OnSearchChanged(string? search)
    {
        _search = search;
        return ReloadAsync();
    }

    private Task OnTagChanged(string? tag)
    {
        _tag = tag;
        return ReloadAsync();
    }

    private Task OnOwnerChanged(string? owner)
    {
        _owner = owner;
        return ReloadAsync();
    }

    private Task ReloadAsync() => _grid?.ReloadServerData() ?? Task.CompletedTask;

    private void OpenModel(DataGridRowClickEventArgs<ModelSummary> row) => Navigation.NavigateTo($"/models/{row.Item.Name}");

    private async Task OpenRegisterDialog()
    {
        var dialog = await Dialogs.ShowAsync<RegisterModelDialog>("Register model", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: ModelSummary created })
        {
            // The next thing to do with a new model is register its first version, on its own page.
            Snackbar.Add($"Model {created.Name} registered.", Severity.Success);
            Navigation.NavigateTo($"/models/{Uri.EscapeDataString(created.Name)}");
        }
    }
}
