namespace ModelRegistry.Dashboard.Core;

/// <summary>Enums as the API spells them: camelCase names, read case-insensitively, with or without hyphens.</summary>
public static class EnumText
{
    /// <summary>The member named by <paramref name="text"/> ("blueGreen", "BlueGreen", "rolled-back"), or null; numbers are refused.</summary>
    public static T? Parse<T>(string? text)
        where T : struct, Enum =>
        text is not null && Enum.TryParse<T>(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _)
            ? value
            : null;

    /// <summary>Every member's camelCase name, comma-separated, for messages that list what is allowed.</summary>
    public static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(Camel));

    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
