using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Access;

/// <summary><c>POST /api/v1/users</c>: every field nullable, so the engine names what is missing.</summary>
public sealed record CreateUserRequest(string? Email, string? Password, string? Role);

/// <summary><c>PATCH /api/v1/users/{email}</c>: what is given changes; <see cref="Disabled"/> true keeps the user out.</summary>
public sealed record UpdateUserRequest(string? Role = null, bool? Disabled = null, string? Password = null);

/// <summary>A user as the API and the Users page show it (never a password or its hash).</summary>
public sealed record UserInfo(
    string Email,
    ActorRole Role,
    bool Disabled,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? LockedOutUntil,
    int FailedSignIns)
{
    internal static UserInfo From(DashboardUser user, DateTimeOffset now) => new(
        user.Email!,
        user.Role,
        user.Disabled,
        user.CreatedAt,
        user.CreatedBy,
        user.LockoutEnd is { } end && end > now && !user.Disabled ? end.UtcDateTime : null,
        user.AccessFailedCount);
}
