using System.Text.RegularExpressions;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Registry;

/// <summary>The registry's input rules, shared by the engine, the API and the forms so that all say the same thing.</summary>
public static partial class RegistryRules
{
    public const int MaxTags = 20;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._:-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    public static string? ModelNameProblem(string? name) => name switch
    {
        null or "" => "'name' is required: a slug such as support-chat.",
        _ when !ModelNamePattern().IsMatch(name) =>
            $"'name' must be 2–63 characters of lowercase letters, digits and hyphens, starting with a letter or digit (got '{Shorten(name)}').",
        _ => null,
    };

    public static string? EndpointProblem(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return "'endpoint' is required: the absolute http(s) URL the version serves on.";
        }

        if (endpoint.Length > TextLimits.Endpoint
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"'endpoint' must be an absolute http or https URL (got '{Shorten(endpoint)}').";
        }

        return null;
    }

    public static void CheckTags(ValidationErrors errors, IReadOnlyList<string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxTags)
        {
            errors.Add("tags", $"At most {MaxTags} tags are allowed (got {tags.Count}).");
        }

        foreach (var tag in tags)
        {
            if (tag is null || !TagPattern().IsMatch(tag))
            {
                errors.Add("tags", $"Tag '{Shorten(tag ?? "")}' must be 1–40 lowercase letters, digits or . _ : - characters.");
            }
        }

        if (tags.Distinct(StringComparer.Ordinal).Count() != tags.Count)
        {
            errors.Add("tags", "Tags must not repeat.");
        }
    }

    public static void CheckMetadata(ValidationErrors errors, VersionMetadata? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        errors.MaxLength("metadata.provider", metadata.Provider, TextLimits.Provider);
        errors.MaxLength("metadata.upstreamModel", metadata.UpstreamModel, TextLimits.UpstreamModel);
        if (metadata.ContextWindow is <= 0 or > 100_000_000)
        {
            errors.Add("metadata.contextWindow", "'metadata.contextWindow' must be a positive number of tokens.");
        }

        if (metadata.InputPricePer1k is < 0 or > 1_000_000)
        {
            errors.Add("metadata.inputPricePer1k", "'metadata.inputPricePer1k' must be zero or more.");
        }

        if (metadata.OutputPricePer1k is < 0 or > 1_000_000)
        {
            errors.Add("metadata.outputPricePer1k", "'metadata.outputPricePer1k' must be zero or more.");
        }
    }

    public static VersionStatus? ParseStatus(string? status) => status?.ToLowerInvariant() switch
    {
        "active" => VersionStatus.Active,
        "deprecated" => VersionStatus.Deprecated,
        "archived" => VersionStatus.Archived,
        _ => null,
    };

    /// <summary>Tags as stored: trimmed, in the order given. A JSON <c>null</c> tag becomes "" so that <see cref="CheckTags"/> refuses it.</summary>
    public static List<string> NormalizeTags(IReadOnlyList<string?>? tags) => tags is null ? [] : [.. tags.Select(t => t?.Trim() ?? "")];

    public static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Bad input quoted back in a message: at most 40 characters.</summary>
    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
