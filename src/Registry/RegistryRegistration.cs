using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Registry;

public static class RegistryRegistration
{
    /// <summary>The registry engine: catalogue, versions, routes, audit and the live notifier, all shared by every user.</summary>
    public static IHostApplicationBuilder AddRegistryEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEndpointGuard(builder.Configuration);
        builder.Services.AddRegistryEngine();
        return builder;
    }

    /// <summary>The registry engine's services, for a host of the caller's own (the bUnit context).</summary>
    public static IServiceCollection AddRegistryEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ChangeNotifier>();
        services.AddSingleton<IChangeNotifier>(sp => sp.GetRequiredService<ChangeNotifier>());
        services.AddEndpointGuard(configuration: null);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ModelService>();
        services.AddSingleton<VersionService>();
        services.AddSingleton<RouteService>();
        return services;
    }
}
