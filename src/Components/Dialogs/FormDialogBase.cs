using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Dialogs;

/// <summary>
/// A dialog whose form is saved through an engine call: the form's own field rules run first, then the engine's
/// refusals land on the fields they name (or above the form), and nothing is stored.
/// </summary>
public abstract class FormDialogBase : ComponentBase
{
    protected FieldErrors Errors { get; } = new();

    protected bool Saving { get; private set; }

    /// <summary>A form without fields of its own for the engine's messages: they all show above it.</summary>
    protected static IReadOnlyDictionary<string, string> NoFields { get; } = new Dictionary<string, string>();

    /// <summary>
    /// Validates <paramref name="form"/> when there is one, then runs <paramref name="save"/>; <paramref name="fields"/>
    /// maps the engine's field names to the form's labels.
    /// </summary>
    protected async Task SaveAsync(MudForm? form, IReadOnlyDictionary<string, string> fields, Func<Task> save)
    {
        Errors.Clear();
        if (form is not null)
        {
            // Let the fields drop the engine's last errors (their Error parameter) before the form validates them again.
            StateHasChanged();
            await Task.Yield();
            await form.ValidateAsync();
            if (!form.IsValid)
            {
                return;
            }
        }

        Saving = true;
        try
        {
            await save();
        }
        catch (Exception ex) when (Errors.Capture(ex, fields))
        {
            // Shown on the fields; nothing was stored.
        }
        finally
        {
            Saving = false;
        }
    }
}
