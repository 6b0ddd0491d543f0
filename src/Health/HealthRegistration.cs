using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Health;

public static class HealthRegistration
{
    /// <summary>
    /// Health checks: the shared registry of probe results, the monitor that probes, its background loop, and the
    /// reader that combines probes with the live figures (it needs the telemetry's <c>IMetricsReader</c>).
    /// </summary>
    public static IHostApplicationBuilder AddHealthProbes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>()
            .Bind(builder.Configuration.GetSection(HealthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<LiveHealthOptions>()
            .Bind(builder.Configuration.GetSection(LiveHealthOptions.Section))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LiveHealthOptions>, LiveHealthOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IEndpointAddressResolver, RegisteredEndpointAddress>();
        // Each probe has its own deadline (Health:TimeoutSeconds); the client's own timeout must not cut in first.
        builder.Services.AddHttpClient(HealthProber.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        builder.Services.AddSingleton<HealthProber>();
        builder.Services.AddSingleton<HealthRegistry>();
        builder.Services.AddSingleton<HealthMonitor>();
        builder.Services.AddSingleton<HealthReader>();
        builder.Services.AddSupervisedWorkers();
        builder.Services.AddHostedService<HealthProbeService>();
        return builder;
    }
}
