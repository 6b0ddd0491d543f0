namespace ModelRegistry.Dashboard.Core;

/// <summary>Collects field errors so that all of an input's problems are reported at once, then throws if there are any.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"'{field}' must be at most {max} characters.");
        }
    }

    /// <summary>For a check that stands alone: throws a 400 naming <paramref name="field"/> when the text is too long.</summary>
    public static void ThrowIfLonger(string field, string? value, int max)
    {
        var errors = new ValidationErrors();
        errors.MaxLength(field, value, max);
        errors.ThrowIfAny();
    }

    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
