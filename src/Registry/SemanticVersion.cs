using ModelRegistry.Dashboard.Core;
using Semver;

namespace ModelRegistry.Dashboard.Registry;

/// <summary>Parsing and precedence of model version numbers, through the <c>Semver</c> package.</summary>
public static class SemanticVersion
{
    private const int MaxLength = TextLimits.Version;

    /// <summary>Precedence order of SemVer 2.0: 1.0.0-alpha &lt; 1.0.0 &lt; 1.2.0 &lt; 1.10.0 &lt; 2.0.0.</summary>
    public static IComparer<string> Precedence { get; } = Comparer<string>.Create(
        (a, b) => SemVersion.ComparePrecedence(SemVersion.Parse(a, SemVersionStyles.Strict), SemVersion.Parse(b, SemVersionStyles.Strict)));

    /// <summary>
    /// Parses <c>MAJOR.MINOR.PATCH[-prerelease]</c> strictly. Returns the reason in words when the text is not one,
    /// so that a form or the API can show it on the field.
    /// </summary>
    public static bool TryParse(string? text, out SemVersion version, out string? problem)
    {
        version = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "A version number is required, e.g. 1.2.0.";
            return false;
        }

        if (text.Length > MaxLength || !SemVersion.TryParse(text, SemVersionStyles.Strict, out var parsed))
        {
            problem = $"'{RegistryRules.Shorten(text)}' is not a semantic version: use MAJOR.MINOR.PATCH with an optional -prerelease, e.g. 1.2.0 or 2.0.0-rc.1.";
            return false;
        }

        if (parsed.MetadataIdentifiers.Count > 0)
        {
            problem = $"'{RegistryRules.Shorten(text)}' carries build metadata (+{parsed.Metadata}), which SemVer ignores for precedence; register it without the '+' part.";
            return false;
        }

        version = parsed;
        problem = null;
        return true;
    }

    public static SemVersion Parse(string text) => SemVersion.Parse(text, SemVersionStyles.Strict);

    /// <summary>Sorts version numbers newest first by SemVer precedence.</summary>
    public static IEnumerable<T> NewestFirst<T>(IEnumerable<T> items, Func<T, string> version) =>
        items.OrderByDescending(version, Precedence);
}
