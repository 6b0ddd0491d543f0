namespace ModelRegistry.Dashboard.Core;

/// <summary>
/// Who performs an operation. Engine services authorise and audit against this, never against UI state. A scoped API
/// key's actor carries its <see cref="Scope"/>: it may act only on those models and environments.
/// </summary>
public sealed record Actor(string Name, ActorRole Role, ActorScope? Scope = null)
{
    public static Actor System { get; } = new("system", ActorRole.Admin);

    public bool Can(ActorRole required) => Role >= required;

    /// <summary>May send inference requests through the gateway: an Inference key, or Automation and above (not a Viewer).</summary>
    public bool CanCallGateway => Role == ActorRole.Inference || Role >= ActorRole.Automation;

    /// <summary>Throws <see cref="ForbiddenException"/> unless this actor holds at least <paramref name="required"/>.</summary>
    public void Demand(ActorRole required, string action)
    {
        if (RefusalOf(required, action) is { } refusal)
        {
            throw new ForbiddenException(refusal);
        }
    }

    /// <summary>Why this actor may not <paramref name="action"/> (the words of <see cref="Demand"/>), or null when it may.</summary>
    public string? RefusalOf(ActorRole required, string action) =>
        Can(required) ? null : $"{Name} ({Role}) may not {action}: it needs the {required} role.";

    /// <summary>Throws <see cref="ForbiddenException"/> naming the scope when <paramref name="model"/> or <paramref name="environment"/> is outside it.</summary>
    public void DemandScope(string action, string? model, string? environment)
    {
        if (Scope is { } scope && scope.Refusal(model, environment) is { } refusal)
        {
            throw new ForbiddenException($"{Name} may not {action}: {refusal}");
        }
    }
}

/// <summary>The models and environments a scoped key may act on; an empty list leaves that dimension open.</summary>
public sealed record ActorScope(IReadOnlyList<string> Models, IReadOnlyList<string> Environments)
{
    public bool IsOpen => Models.Count == 0 && Environments.Count == 0;

    /// <summary>Why (<paramref name="model"/>, <paramref name="environment"/>) is outside this scope, or null when it is inside.</summary>
    public string? Refusal(string? model, string? environment)
    {
        if (model is not null && Models.Count > 0 && !Models.Contains(model, StringComparer.Ordinal))
        {
            return $"the key is scoped to model(s) {string.Join(", ", Models)}, not '{model}'.";
        }

        if (environment is not null && Environments.Count > 0 && !Environments.Contains(environment, StringComparer.Ordinal))
        {
            return $"the key is scoped to environment(s) {string.Join(", ", Environments)}, not '{environment}'.";
        }

        return null;
    }
}

/// <summary>
/// Roles from DESIGN.md §1, ordered so that a higher role includes every lower one. <see cref="Inference"/>, below them
/// all, is for gateway callers: it may call <c>/gateway/…</c> and nothing else (not even read the API).
/// </summary>
public enum ActorRole
{
    Inference = -1,
    Viewer = 0,
    Automation = 1,
    Operator = 2,
    Admin = 3,
}
