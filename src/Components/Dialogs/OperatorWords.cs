namespace ModelRegistry.Dashboard.Components.Dialogs;

/// <summary>
/// The engine's messages are written for API clients and name JSON fields in quotes (<c>'windowSeconds'</c>); a form
/// shows them in its own words: each quoted field becomes the label the operator sees next to it, and whole API
/// instructions ("Set 'acknowledgeBreakingChange' to true") become what to do on the form. The API keeps its messages.
/// </summary>
public static class OperatorWords
{
    /// <summary>
    /// <paramref name="message"/> with each <c>'field'</c> of <paramref name="labels"/> replaced by its label, after the
    /// whole <paramref name="phrases"/> are replaced (they are more specific than a field name alone).
    /// </summary>
    public static string Rephrase(string message, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string>? phrases = null)
    {
        foreach (var (phrase, words) in phrases ?? EmptyPhrases)
        {
            message = message.Replace(phrase, words, StringComparison.Ordinal);
        }

        foreach (var (field, label) in labels)
        {
            message = message.Replace($"'{field}'", label, StringComparison.Ordinal);
        }

        return message;
    }

    private static readonly Dictionary<string, string> EmptyPhrases = [];
}
