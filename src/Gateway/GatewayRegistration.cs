using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Api;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Gateway;

public static class GatewayRegistration
{
    /// <summary>True when <c>Gateway:Mode</c> is <c>Standalone</c>: this process runs only the gateway.</summary>
    public static bool IsStandaloneGateway(this IHostApplicationBuilder builder) => ModeOf(builder.Configuration) == GatewayMode.Standalone;

    /// <summary>The gateway (<c>Gateway:*</c>): YARP's forwarder, the live route table and one upstream connection pool.</summary>
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGateway(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>()
            .Bind(configuration.GetSection(GatewayOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddEndpointGuard(configuration);
        services.AddHttpForwarder();
        services.AddSingleton<GatewayHttpClient>();
        services.AddSingleton<GatewayForwarder>();
        services.AddSingleton<GatewayAnswerHeaders>();
        services.TryAddSingleton<IEndpointAddressResolver, RegisteredEndpointAddress>();
        if (ModeOf(configuration) == GatewayMode.Standalone)
        {
            AddControlPlane(services);
        }
        else
        {
            services.AddSingleton<LiveRouteTable>();
            services.AddSingleton<IGatewayRoutes, InProcessGatewayRoutes>();
            services.AddSingleton<IGatewayRecorder, StoreGatewayRecorder>();
        }

        return services;
    }

    /// <summary>
    /// The whole of a standalone gateway process: callers' API keys (<c>Auth:*</c>) and rate limits, the gateway fed by
    /// its control plane, and <c>/healthz</c> for its two workers (hub and health sync, aggregate shipping).
    /// </summary>
    public static WebApplicationBuilder AddStandaloneGateway(this WebApplicationBuilder builder)
    {
        builder.AddDashboardSecurity();
        builder.AddGateway();
        builder.Services.AddHealthChecks().AddCheck<WorkersHealthCheck>("workers");
        return builder;
    }

    public static WebApplication MapStandaloneGateway(this WebApplication app)
    {
        app.UseGatewayLane();
        app.UseRouting();
        app.UseSecurityHeaders();
        app.UseFailedKeyThrottle();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = WorkersHealthCheck.WriteAsync })
            .AllowAnonymous();
        return app;
    }

    private static void AddControlPlane(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSupervisedWorkers();
        services.AddHttpClient(ControlPlaneClient.HttpClientName, (provider, http) =>
        {
            var controlPlane = provider.GetRequiredService<IOptions<GatewayOptions>>().Value.ControlPlane;
            http.BaseAddress = new Uri(controlPlane.Url!.TrimEnd('/') + "/");
            http.DefaultRequestHeaders.Add(AuthOptions.ApiKeyHeader, controlPlane.ApiKey);
            http.Timeout = TimeSpan.FromSeconds(10);
        });
        services.AddSingleton<ControlPlaneClient>();
        services.AddSingleton<ControlPlaneRoutes>();
        services.AddSingleton<IGatewayRoutes>(provider => provider.GetRequiredService<ControlPlaneRoutes>());
        services.AddSingleton<AggregateShipper>();
        services.AddSingleton<IGatewayRecorder>(provider => provider.GetRequiredService<AggregateShipper>());
        services.AddHostedService(provider => provider.GetRequiredService<AggregateShipper>());
        services.AddSingleton<ControlPlaneSync>();
        services.AddHostedService(provider => provider.GetRequiredService<ControlPlaneSync>());
    }

    private static GatewayMode ModeOf(IConfiguration configuration) =>
        configuration.GetValue<GatewayMode?>($"{GatewayOptions.Section}:{nameof(GatewayOptions.Mode)}") ?? GatewayMode.InProcess;
}
