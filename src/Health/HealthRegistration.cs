using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Health;

public static class HealthRegistration
{
    /// <summary>
    /// Health checks: the shared registry of probe results, the monitor that probes, its background loop, and the
    /// reader that combines probes with the live figures (it needs the telemetry's <c>IMetricsReader</c>).
    /// </summary>
    public static IHostApplicationBuilder AddHealthProbes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthProbes(builder.Configuration);
        builder.Services.AddHostedService<HealthProbeService>();
        return builder;
    }

    /// <summary>The health services without the probing loop: the <see cref="HealthMonitor"/> probes when its caller asks.</summary>
    public static IServiceCollection AddHealthProbes(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>()
            .Bind(configuration.GetSection(HealthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<LiveHealthOptions>()
            .Bind(configuration.GetSection(LiveHealthOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LiveHealthOptions>, LiveHealthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEndpointAddressResolver, RegisteredEndpointAddress>();
        // Each probe has its own deadline (Health:TimeoutSeconds); the client's own timeout must not cut in first.
        services.AddEndpointGuard(configuration);
        services.AddHttpClient(HealthProber.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<EndpointGuard>().GuardedHandler())
            .RemoveAllLoggers();
        services.AddSingleton<HealthProber>();
        services.AddSingleton<HealthRegistry>();
        services.AddSingleton<HealthMonitor>();
        services.AddSingleton<HealthReader>();
        services.AddSupervisedWorkers();
        return services;
    }
}
