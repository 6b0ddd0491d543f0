namespace ModelRegistry.Dashboard.Core;

/// <summary>Who performs an operation. Engine services authorise and audit against this, never against UI state.</summary>
public sealed record Actor(string Name, ActorRole Role)
{
    public static Actor System { get; } = new("system", ActorRole.Admin);

    public bool Can(ActorRole required) => Role >= required;

    /// <summary>Throws <see cref="ForbiddenException"/> unless this actor holds at least <paramref name="required"/>.</summary>
    public void Demand(ActorRole required, string action)
    {
        if (!Can(required))
        {
            throw new ForbiddenException($"{Name} ({Role}) may not {action}: it needs the {required} role.");
        }
    }
}

/// <summary>Roles from DESIGN.md §1, ordered so that a higher role includes every lower one.</summary>
public enum ActorRole
{
    Viewer = 0,
    Automation = 1,
    Operator = 2,
    Admin = 3,
}
