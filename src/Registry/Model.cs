namespace ModelRegistry.Dashboard.Registry;

/// <summary>A named AI capability, e.g. <c>support-chat</c>. The name is a slug, unique and never reused.</summary>
public sealed class Model
{
    public int Id { get; set; }

    public required string Name { get; init; }

    public required string DisplayName { get; set; }

    public string? Description { get; set; }

    public string? Owner { get; set; }

    public List<string> Tags { get; set; } = [];

    public DateTime CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTime UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    /// <summary>App-managed optimistic concurrency token: bumped on every update.</summary>
    public int ConcurrencyStamp { get; set; }

    public List<ModelVersion> Versions { get; init; } = [];
}
