namespace ModelRegistry.Dashboard.Core;

/// <summary>Enums as the API spells them: camelCase names, read case-insensitively, with or without hyphens.</summary>
public static class EnumText
{
    /// <summary>The member named by <paramref name="text"/> ("blueGreen", "BlueGreen", "rolled-back"), or null; numbers are refused.</summary>
    public static T? Parse<T>(string? text)
        where T : struct, Enum
    {
        // A whole member name only: Enum.TryParse alone would also take numbers ("1") and lists ("direct,canary").
        var name = text?.Replace("-", "", StringComparison.Ordinal);
        return name is not null && Enum.GetNames<T>().Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase))
            ? Enum.Parse<T>(name, ignoreCase: true)
            : null;
    }

    /// <summary>Every member's camelCase name, comma-separated, for messages that list what is allowed.</summary>
    public static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(Camel));

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
