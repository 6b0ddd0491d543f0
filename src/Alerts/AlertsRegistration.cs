using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Alerts;

public static class AlertsRegistration
{
    /// <summary>Alert rules, alerts, the default rules, and the evaluator that runs every second.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAlerts(builder.Configuration);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        return builder;
    }

    /// <summary>
    /// The alert engine's services without the evaluator's loop: the <see cref="AlertEvaluator"/> is registered but
    /// runs only when its caller asks (<c>EvaluateOnceAsync</c>).
    /// </summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>()
            .Bind(configuration.GetSection(AlertOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<Notifications.NotificationOutbox>();
        services.AddSingleton<AlertRuleService>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<IDatabaseSeeder, DefaultAlertRulesSeeder>();
        services.AddSupervisedWorkers();
        services.AddSingleton<AlertEvaluator>();
        return services;
    }
}
