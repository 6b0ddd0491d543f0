namespace ModelRegistry.Dashboard.Registry;

/// <summary>
/// An environment that serves traffic (glossary: <em>Environment</em>; named so as not to shadow <see cref="System.Environment"/>).
/// A protected environment accepts a version only after it succeeded in a non-protected one.
/// </summary>
public sealed class DeploymentEnvironment
{
    public required string Name { get; init; }

    public bool Protected { get; set; }

    public string? Description { get; set; }

    /// <summary>Display order: staging before production.</summary>
    public int Rank { get; set; }
}
