using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Registry;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Dialogs;

/// <summary>Registers a model. Field rules run as the operator types; the engine's verdict lands on the field it names.</summary>
public sealed partial class RegisterModelDialog
{
    private const string NameField = "name";
    private const string DisplayNameField = "displayName";
    private const string DescriptionField = "description";
    private const string OwnerField = "owner";
    private const string TagsField = "tags";
    private static readonly Dictionary<string, string> Fields = new()
    {
        [NameField] = "Name", [DisplayNameField] = "Display name", [DescriptionField] = "Description", [OwnerField] = "Owner", [TagsField] = "Tags",
    };

    private MudForm? _form;
    private string _name = "";
    private string? _displayName;
    private string? _description;
    private string? _owner;
    private string? _tags;

    [CascadingParameter]
    public required IMudDialogInstance Dialog { get; set; }

    [Inject]
    public required ModelService Models { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    // Empty is left to Required, which speaks only on submit, so an untouched form shows no errors.
    private static string? ValidateName(string? name) =>
        string.IsNullOrEmpty(name) || RegistryRules.ModelNameProblem(name) is not { } problem ? null : OperatorWords.Rephrase(problem, Fields);

    private void Cancel() => Dialog.Cancel();

    private Task SubmitAsync() => SaveAsync(_form, Fields, async () =>
    {
        var created = await Models.RegisterAsync(
            await CurrentActor.GetAsync(),
            new RegisterModelRequest(_name, _displayName, _description, _owner, TagInput.Split(_tags)));
        Dialog.Close(DialogResult.Ok(created));
    });
}
