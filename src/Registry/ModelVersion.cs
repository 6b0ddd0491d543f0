namespace ModelRegistry.Dashboard.Registry;

/// <summary>
/// An immutable release of a model. <see cref="Version"/> and <see cref="Endpoint"/> never change after registration;
/// description, tags and <see cref="Status"/> may.
/// </summary>
public sealed class ModelVersion
{
    public int Id { get; set; }

    public int ModelId { get; set; }

    public Model? Model { get; set; }

    /// <summary>The SemVer 2.0 string as registered (<c>MAJOR.MINOR.PATCH[-prerelease]</c>).</summary>
    public required string Version { get; init; }

    public required string Endpoint { get; init; }

    public string? Provider { get; init; }

    public int? ContextWindow { get; init; }

    public decimal? InputPricePer1k { get; init; }

    public decimal? OutputPricePer1k { get; init; }

    /// <summary>The model id the version's server expects in a request's <c>model</c> (the gateway puts it there).</summary>
    public string? UpstreamModel { get; init; }

    public string? Description { get; set; }

    public string? Changelog { get; init; }

    public List<string> Tags { get; set; } = [];

    public VersionStatus Status { get; set; } = VersionStatus.Active;

    public DateTime CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTime UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public int ConcurrencyStamp { get; set; }
}

public enum VersionStatus
{
    Active,
    Deprecated,
    Archived,
}
