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
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChangeNotifier>();
        builder.Services.AddSingleton<IChangeNotifier>(sp => sp.GetRequiredService<ChangeNotifier>());
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<ModelService>();
        builder.Services.AddSingleton<VersionService>();
        builder.Services.AddSingleton<RouteService>();
        return builder;
    }
}
