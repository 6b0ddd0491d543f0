namespace ModelRegistry.Dashboard.Components.Dialogs;

/// <summary>Tags as typed in a form: comma- or space-separated, blanks dropped.</summary>
internal static class TagInput
{
    public static IReadOnlyList<string> Split(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
