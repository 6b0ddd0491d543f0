namespace ModelRegistry.Dashboard.Audit;

public sealed record AuditQuery(
    string? Model = null,
    string? Environment = null,
    string? Actor = null,
    string? Version = null,
    DateTime? From = null,
    DateTime? To = null,
    int Page = 1,
    int PageSize = 100,
    string? Action = null);

public sealed record AuditRecord(
    long Id,
    DateTime Timestamp,
    string Actor,
    string Action,
    string Target,
    string? Model,
    string? Version,
    string? Environment,
    string? Reason,
    string? Before,
    string? After)
{
    internal static AuditRecord From(AuditEntry e) =>
        new(e.Id, e.Timestamp, e.Actor, e.Action, e.Target, e.ModelName, e.Version, e.EnvironmentName, e.Reason, e.Before, e.After);
}
