using System.Text.Json.Serialization;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Access;

/// <summary>
/// An API key made in the app: only its recognisable <see cref="Prefix"/> and the SHA-256 of the whole secret are kept
/// (the secret, 256 random bits, is shown once at creation). Revoked keys stay, for the audit trail.
/// </summary>
public sealed class ApiKey
{
    public long Id { get; set; }

    public required string Name { get; set; }

    /// <summary><c>mrk_</c> and eight random characters: how a key is found, listed and recognised in a leak scan.</summary>
    public required string Prefix { get; set; }

    public required string SecretHash { get; set; }

    public ActorRole Role { get; set; }

    /// <summary>Comma-separated model names the key may act on; null: every model.</summary>
    public string? ScopeModels { get; set; }

    /// <summary>Comma-separated environment names the key may act in; null: every environment.</summary>
    public string? ScopeEnvironments { get; set; }

    public DateTime? ExpiresAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    internal ActorScope? Scope =>
        ScopeModels is null && ScopeEnvironments is null ? null : new ActorScope(NameList.Split(ScopeModels), NameList.Split(ScopeEnvironments));
}

/// <summary><c>POST /api/v1/api-keys</c>: every field nullable, so the engine names what is missing.</summary>
public sealed record CreateApiKeyRequest(string? Name, string? Role, ApiKeyScopes? Scopes = null, DateTime? ExpiresAt = null);

/// <summary>What a key may act on: model names and environment names; a missing or empty list leaves that open.</summary>
public sealed record ApiKeyScopes(IReadOnlyList<string>? Models = null, IReadOnlyList<string>? Environments = null);

/// <summary>A key as listed: never its secret or hash. <see cref="Secret"/> is set only in the answer that creates it.</summary>
public sealed record ApiKeyInfo(
    long Id,
    string Name,
    string Prefix,
    ActorRole Role,
    ApiKeyScopes? Scopes,
    DateTime? ExpiresAt,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? LastUsedAt,
    DateTime? RevokedAt,
    string? RevokedBy,
    string Status)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }

    internal static ApiKeyInfo From(ApiKey key, DateTimeOffset now) => new(
        key.Id,
        key.Name,
        key.Prefix,
        key.Role,
        key.Scope is { } scope ? new ApiKeyScopes(scope.Models, scope.Environments) : null,
        key.ExpiresAt,
        key.CreatedAt,
        key.CreatedBy,
        key.LastUsedAt,
        key.RevokedAt,
        key.RevokedBy,
        key.RevokedAt is not null ? "revoked" : key.ExpiresAt <= now.UtcDateTime ? "expired" : "active");
}
