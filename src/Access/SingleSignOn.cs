using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Access;

/// <summary>
/// What a single sign-on provider's groups (or roles) mean here: <c>Auth:Oidc:RoleMap</c> names, per group, one of
/// <see cref="UserRoles.People"/>. A person in several mapped groups gets the highest of their roles; in none, no role —
/// and is refused, so a company-wide provider does not let everyone in (map a group that everyone has to Viewer for that).
/// </summary>
public static class SingleSignOnRoles
{
    /// <summary>The highest role that <paramref name="groups"/> map to, or null when none of them is mapped.</summary>
    public static ActorRole? Map(IEnumerable<string> groups, IReadOnlyDictionary<string, string> roleMap)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(roleMap);
        var byGroup = new Dictionary<string, string>(roleMap, StringComparer.OrdinalIgnoreCase);
        ActorRole? best = null;
        foreach (var group in groups)
        {
            if (byGroup.TryGetValue(group, out var name) && UserRoles.Parse(name) is { } role && (best is null || role > best))
            {
                best = role;
            }
        }

        return best;
    }
}

/// <summary>How a single sign-on ended on this side.</summary>
public enum SingleSignOnOutcome
{
    SignedIn,
    Created,
    Disabled,
}
