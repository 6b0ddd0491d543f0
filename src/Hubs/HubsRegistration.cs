using Microsoft.AspNetCore.Builder;

namespace ModelRegistry.Dashboard.Hubs;

public static class HubsRegistration
{
    public static IHostApplicationBuilder AddRolloutsHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddHostedService<RolloutsBroadcaster>();
        return builder;
    }

    public static WebApplication MapRolloutsHub(this WebApplication app)
    {
        app.MapHub<RolloutsHub>(RolloutsHub.Path).RequireAuthorization();
        return app;
    }
}
