namespace ModelRegistry.Dashboard.Registry;

// Inputs: every field nullable, because the engine (not the JSON binder) decides what is missing and says so by name.

public sealed record RegisterModelRequest(
    string? Name,
    string? DisplayName = null,
    string? Description = null,
    string? Owner = null,
    IReadOnlyList<string>? Tags = null);

/// <summary>A partial update: a null field stays as it is; an empty string clears an optional text.</summary>
public sealed record UpdateModelRequest(
    string? DisplayName = null,
    string? Description = null,
    string? Owner = null,
    IReadOnlyList<string>? Tags = null,
    int? ConcurrencyStamp = null);

public sealed record RegisterVersionRequest(
    string? Version,
    string? Endpoint,
    string? Description = null,
    string? Changelog = null,
    IReadOnlyList<string>? Tags = null,
    VersionMetadata? Metadata = null);

public sealed record VersionMetadata(
    string? Provider = null,
    int? ContextWindow = null,
    decimal? InputPricePer1k = null,
    decimal? OutputPricePer1k = null,
    string? UpstreamModel = null);

public sealed record UpdateVersionRequest(
    string? Description = null,
    IReadOnlyList<string>? Tags = null,
    string? Status = null,
    int? ConcurrencyStamp = null);

public sealed record ModelQuery(
    string? Search = null,
    string? Tag = null,
    string? Owner = null,
    int Page = 1,
    int PageSize = 50,
    ModelSort Sort = ModelSort.Name,
    bool Descending = false);

public enum ModelSort
{
    Name,
    DisplayName,
    Owner,
    UpdatedAt,
}

// Outputs.

public sealed record ModelSummary(
    string Name,
    string DisplayName,
    string? Description,
    string? Owner,
    IReadOnlyList<string> Tags,
    int VersionCount,
    string? LatestVersion,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    int ConcurrencyStamp);

public sealed record ModelDetails(
    string Name,
    string DisplayName,
    string? Description,
    string? Owner,
    IReadOnlyList<string> Tags,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    int ConcurrencyStamp,
    IReadOnlyList<VersionInfo> Versions,
    IReadOnlyList<Routing.RouteInfo> Routes);

public sealed record VersionInfo(
    string Model,
    string Version,
    string Endpoint,
    string? Description,
    string? Changelog,
    IReadOnlyList<string> Tags,
    VersionStatus Status,
    VersionMetadata Metadata,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime UpdatedAt,
    string UpdatedBy,
    int ConcurrencyStamp)
{
    internal static VersionInfo From(string model, ModelVersion v) => new(
        model,
        v.Version,
        v.Endpoint,
        v.Description,
        v.Changelog,
        v.Tags,
        v.Status,
        new VersionMetadata(v.Provider, v.ContextWindow, v.InputPricePer1k, v.OutputPricePer1k, v.UpstreamModel),
        v.CreatedAt,
        v.CreatedBy,
        v.UpdatedAt,
        v.UpdatedBy,
        v.ConcurrencyStamp);
}

public sealed record EnvironmentInfo(string Name, bool Protected, string? Description);
