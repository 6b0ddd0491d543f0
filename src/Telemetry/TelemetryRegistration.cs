using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ModelRegistry.Dashboard.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>
    /// Live metrics: the aggregation store and its readers (singletons shared by every user), the validating ingest,
    /// the queries, the live feed of one-second points the charts follow, and the background writer of minute rollups
    /// (which also evicts idle series).
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTelemetry(builder.Configuration);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricRollupWriter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveFeedWorker>());
        return builder;
    }

    /// <summary>
    /// The telemetry services without their loops: <see cref="MetricRollupWriter"/> and <see cref="LiveFeedWorker"/> are
    /// registered, not started.
    /// </summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>()
            .Bind(configuration.GetSection(TelemetryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MetricsStore>();
        services.AddSingleton<IMetricsReader>(sp => sp.GetRequiredService<MetricsStore>());
        services.AddSingleton<KnownSeriesCatalog>();
        services.AddSingleton<MetricsArrivals>();
        services.AddSingleton<MetricsIngest>();
        services.AddSingleton<MetricsQueries>();
        services.AddSingleton<PrometheusExposition>();
        services.AddSingleton<SeriesEviction>();
        services.AddSupervisedWorkers();
        services.AddSingleton<MetricRollupWriter>();
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<LiveFeedWorker>();
        services.AddSingleton<SeriesHistory>();
        return services;
    }
}
