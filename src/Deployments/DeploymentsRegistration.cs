using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ModelRegistry.Dashboard.Deployments;

public static class DeploymentsRegistration
{
    /// <summary>Snapshots, deployment commands and queries, and the orchestrator that drives every active deployment.</summary>
    public static IHostApplicationBuilder AddDeployments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDeployments(builder.Configuration);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeploymentOrchestrator>());
        return builder;
    }

    /// <summary>
    /// The deployment engine's services without the orchestrator's loop: the <see cref="DeploymentOrchestrator"/> is
    /// registered but runs only when its caller asks (<c>TickOnceAsync</c>).
    /// </summary>
    public static IServiceCollection AddDeployments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeploymentOptions>()
            .Bind(configuration.GetSection(DeploymentOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<SnapshotService>();
        services.AddSingleton<RouteOwnership>();
        services.TryAddSingleton<Notifications.NotificationOutbox>();
        services.AddSingleton<DeploymentTransitions>();
        services.AddSingleton<DeploymentService>();
        services.AddSingleton<OrchestratorPulse>();
        services.AddSupervisedWorkers();
        services.AddSingleton<TargetProbes>();
        services.AddSingleton<StepJudge>();
        services.AddSingleton<DeploymentOrchestrator>();
        return services;
    }
}
