using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Gateway;

public static class GatewayRegistration
{
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
        services.AddHttpForwarder();
        services.AddSingleton<LiveRouteTable>();
        services.AddSingleton<GatewayHttpClient>();
        services.AddSingleton<GatewayForwarder>();
        return services;
    }
}
