using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ModelRegistry.Dashboard.Deployments;

public static class DeploymentsRegistration
{
    /// <summary>Snapshots, deployment commands and queries, and the orchestrator that drives every active deployment.</summary>
    public static IHostApplicationBuilder AddDeployments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeploymentOptions>()
            .Bind(builder.Configuration.GetSection(DeploymentOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SnapshotService>();
        builder.Services.AddSingleton<RouteOwnership>();
        builder.Services.AddSingleton<DeploymentTransitions>();
        builder.Services.AddSingleton<DeploymentService>();
        builder.Services.AddSingleton<OrchestratorPulse>();
        builder.Services.AddSupervisedWorkers();
        builder.Services.AddSingleton<TargetProbes>();
        builder.Services.AddSingleton<StepJudge>();
        builder.Services.AddSingleton<DeploymentOrchestrator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeploymentOrchestrator>());
        return builder;
    }
}
