using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Components.Dialogs;

/// <summary>
/// Server-side refusals of a form, keyed by the engine's field names, so each message shows on its own field;
/// whatever no field claims is shown above the form. Messages name fields by the form's labels (<see cref="OperatorWords"/>).
/// </summary>
public sealed class FieldErrors
{
    private Dictionary<string, string[]> _errors = [];

    public string? General { get; private set; }

    public bool Has(string field) => _errors.ContainsKey(field);

    public string? For(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public void Clear()
    {
        _errors = [];
        General = null;
    }

    public void Clear(string field) => _errors.Remove(field);

    /// <summary>
    /// Records what the engine said; returns false when the exception is not a refusal a form can show.
    /// <paramref name="fields"/> maps each engine field the form shows to the label it shows it with.
    /// </summary>
    public bool Capture(Exception exception, IReadOnlyDictionary<string, string> fields)
    {
        switch (exception)
        {
            case ValidationFailedException validation:
                _errors = validation.Errors.ToDictionary(e => e.Key, e => e.Value.Select(m => OperatorWords.Rephrase(m, fields)).ToArray());
                var unclaimed = _errors.Where(e => !fields.ContainsKey(e.Key)).SelectMany(e => e.Value).ToList();
                General = unclaimed.Count == 0 ? null : string.Join(" ", unclaimed);
                return true;
            case ConflictException { Field: { } field } conflict when fields.ContainsKey(field):
                _errors = new() { [field] = [OperatorWords.Rephrase(conflict.Message, fields)] };
                General = null;
                return true;
            case OperationException other:
                _errors = [];
                General = OperatorWords.Rephrase(other.Message, fields);
                return true;
            default:
                return false;
        }
    }
}
