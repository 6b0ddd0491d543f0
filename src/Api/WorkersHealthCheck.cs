using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ModelRegistry.Dashboard.Core.Workers;

namespace ModelRegistry.Dashboard.Api;

/// <summary>
/// <c>/healthz</c>: healthy while every background worker's last run succeeded; degraded (still 200: the app serves)
/// when one is failing and backing off, named with its last error.
/// </summary>
internal sealed class WorkersHealthCheck(WorkerHealthRegistry workers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = workers.All.Where(w => w.Status == WorkerStatus.Degraded).ToList();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy("Every background worker is running.")
            : HealthCheckResult.Degraded(string.Join(" ", failing.Select(w => $"{w.Name} failed {w.ConsecutiveFailures} time(s) in a row: {w.LastError}"))));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The body: the overall status and each worker's state.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var workers = context.RequestServices.GetRequiredService<WorkerHealthRegistry>().All;
        var body = new
        {
            status = JsonNamingPolicy.CamelCase.ConvertName(report.Status.ToString()),
            description = report.Entries.Values.Select(e => e.Description).FirstOrDefault(),
            workers,
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
