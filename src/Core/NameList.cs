namespace ModelRegistry.Dashboard.Core;

/// <summary>
/// A short list of names kept in one text column (scopes, filters): trimmed, empty entries dropped, duplicates once;
/// an empty list is stored as null, meaning "no restriction".
/// </summary>
public static class NameList
{
    public static List<string> Normalize(IEnumerable<string>? names) =>
        [.. (names ?? []).Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal)];

    public static string? Join(IReadOnlyCollection<string> names) => names.Count == 0 ? null : string.Join(',', names);

    public static string[] Split(string? stored) => stored?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
}
