using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Notifications;

public static class NotificationsRegistration
{
    /// <summary>
    /// Notifications (<c>Notifications:*</c>): channels, the outbox and its dispatcher. The host provides the
    /// <see cref="ISecretProtector"/> for channel secrets.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddNotifications(builder.Configuration);
        builder.Services.AddHostedService(provider => provider.GetRequiredService<NotificationDispatcher>());
        return builder;
    }

    /// <summary>Everything but the dispatcher's hosted loop (tests run it by hand).</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NotificationOutbox>();
        services.AddSingleton<ChannelService>();
        services.AddSupervisedWorkers();
        services.AddSingleton<NotificationDispatcher>();
        // Receivers are dialled like version endpoints: through the SSRF guard, redirects not followed.
        services.AddEndpointGuard(configuration);
        services.AddHttpClient(NotificationDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<EndpointGuard>().GuardedHandler())
            .RemoveAllLoggers() // a Slack webhook's URL is itself a credential: no request logging with URLs
            .AddResilienceHandler(DeliveryPipeline.Name, (pipeline, context) =>
            {
                context.EnableReloads<NotificationOptions>();
                DeliveryPipeline.Configure(pipeline, context.GetOptions<NotificationOptions>());
            });
        return services;
    }
}
