using Microsoft.AspNetCore.Identity;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Access;

/// <summary>
/// A person who signs in (ASP.NET Core Identity's user, its e-mail as the user name): one role of
/// <see cref="UserRoles.People"/>, and a switch that keeps a departed operator out without losing their audit trail.
/// </summary>
public sealed class DashboardUser : IdentityUser
{
    public ActorRole Role { get; set; } = ActorRole.Viewer;

    /// <summary>A disabled user cannot sign in, and a session already open ends at its next security-stamp check.</summary>
    public bool Disabled { get; set; }

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

public static class UserRoles
{
    /// <summary>The roles a person may have; Automation is for API keys.</summary>
    public static IReadOnlyList<ActorRole> People { get; } = [ActorRole.Viewer, ActorRole.Operator, ActorRole.Admin];

    /// <summary>A role for a person (Viewer, Operator or Admin) by name, or null.</summary>
    public static ActorRole? Parse(string? name) =>
        EnumText.Parse<ActorRole>(name) is { } role && People.Contains(role) ? role : null;
}
