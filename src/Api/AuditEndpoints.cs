using ModelRegistry.Dashboard.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Audit;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>/api/v1/audit</c>: the append-only change log, newest first.</summary>
internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", (AuditLog audit, string? model, string? environment, string? actor, string? version, DateTime? from, DateTime? to, int? page, int? pageSize, string? action, CancellationToken ct) =>
                audit.QueryAsync(new AuditQuery(model, environment, actor, version, from?.ToUniversalTime(), to?.ToUniversalTime(), page ?? 1, pageSize ?? 100, action), ct))
            .WithTags("Audit")
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Filter the audit log by model, environment, actor, version, action and time");
        return api;
    }
}
