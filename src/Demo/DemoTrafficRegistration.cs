using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ModelRegistry.Dashboard.Health;

namespace ModelRegistry.Dashboard.Demo;

public static class DemoTrafficRegistration
{
    /// <summary>
    /// The simulated model backends' behaviour and the load generator. Both stay idle unless <c>Demo:Enabled</c>
    /// (the generator also needs <c>Demo:Traffic:Enabled</c>); the web app maps the backends with <c>MapDemoBackends</c>.
    /// The generator's requests go through the app's own gateway, which measures them; <see cref="DemoGatewayKey"/> is
    /// what they authenticate with.
    /// </summary>
    public static IHostApplicationBuilder AddDemoTraffic(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoBackendOptions>()
            .Bind(builder.Configuration.GetSection(DemoBackendOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<DemoTrafficOptions>()
            .Bind(builder.Configuration.GetSection(DemoTrafficOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DemoBackendSimulator>();
        builder.Services.AddSingleton<DemoBackendAddress>();
        builder.Services.AddSingleton<IEndpointAddressResolver>(sp => sp.GetRequiredService<DemoBackendAddress>());
        builder.Services.AddSingleton<DemoGatewayKey>();
        // Each request has its own deadline (Demo:Traffic:TimeoutSeconds); the client's own timeout must not cut in first.
        builder.Services.AddHttpClient(DemoGatewayClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        builder.Services.AddSingleton<DemoGatewayClient>();
        builder.Services.AddSupervisedWorkers();
        builder.Services.AddHostedService<DemoTrafficGenerator>();
        return builder;
    }
}
