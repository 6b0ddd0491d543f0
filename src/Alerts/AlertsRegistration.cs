using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Alerts;

public static class AlertsRegistration
{
    /// <summary>Alert rules, alerts, the default rules, and the evaluator that runs every second.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertOptions>()
            .Bind(builder.Configuration.GetSection(AlertOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AlertRuleService>();
        builder.Services.AddSingleton<AlertService>();
        builder.Services.AddSingleton<IDatabaseSeeder, DefaultAlertRulesSeeder>();
        builder.Services.AddSupervisedWorkers();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        return builder;
    }
}
