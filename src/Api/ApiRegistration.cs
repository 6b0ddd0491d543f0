using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace ModelRegistry.Dashboard.Api;

public static class ApiRegistration
{
    public static IHostApplicationBuilder AddDashboardApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<MetricsExpositionOptions>().Bind(builder.Configuration.GetSection(MetricsExpositionOptions.Section)).ValidateOnStart();
        builder.Services.AddExceptionHandler<OperationExceptionHandler>();
        builder.Services.Configure<JsonOptions>(o =>
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        // Unreadable bodies throw in every environment, so the exception handler answers with problem details naming the field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<WorkersHealthCheck>("workers");
        return builder;
    }

    public static WebApplication MapDashboardApi(this WebApplication app)
    {
        app.UseJsonContentTypeCheck("/api/v1");
        // Every API call needs an authenticated actor: the anonymous actor is one, a wrong X-Api-Key is not (401).
        var api = app.MapGroup("/api/v1").RequireAuthorization().RequireRateLimiting(Hosting.ApiRateLimiting.Policy);
        api.MapModelsEndpoints()
            .MapEnvironmentsEndpoints()
            .MapAuditEndpoints()
            .MapAlertsEndpoints()
            .MapHealthEndpoints()
            .MapDeploymentsEndpoints().MapSnapshotsEndpoints()
            .MapUsersEndpoints().MapApiKeysEndpoints()
            .MapNotificationsEndpoints();
        app.MapMetricsEndpoints(api);

        app.MapOpenApi();
        app.MapScalarApiReference(Hosting.SecurityHeaders.ApiReferencePath, o => o.WithTitle("ModelRegistry.Dashboard API").DisableDefaultFonts()); // no third-party fonts: the CSP allows this origin only
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = WorkersHealthCheck.WriteAsync })
            .AllowAnonymous();
        return app;
    }
}
