using Microsoft.AspNetCore.Builder;
using ModelRegistry.Dashboard.Core.Workers;

namespace ModelRegistry.Dashboard.Hubs;

public static class HubsRegistration
{
    public static IHostApplicationBuilder AddRolloutsHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HubOptions>()
            .Bind(builder.Configuration.GetSection(HubOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSignalR();
        builder.Services.AddSupervisedWorkers();
        builder.Services.AddHostedService<RolloutsChangeForwarder>();
        builder.Services.AddHostedService<RolloutsMetricsTicker>();
        return builder;
    }

    public static WebApplication MapRolloutsHub(this WebApplication app)
    {
        app.UseHubOriginCheck(RolloutsHub.Path);
        app.MapHub<RolloutsHub>(RolloutsHub.Path).RequireAuthorization();
        return app;
    }
}
