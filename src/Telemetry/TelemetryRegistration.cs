using ModelRegistry.Dashboard.Core.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ModelRegistry.Dashboard.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>
    /// Live metrics: the aggregation store and its readers (singletons shared by every user), the validating ingest,
    /// the queries, and the background writer of minute rollups (which also evicts idle series).
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>()
            .Bind(builder.Configuration.GetSection(TelemetryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MetricsStore>();
        builder.Services.AddSingleton<IMetricsReader>(sp => sp.GetRequiredService<MetricsStore>());
        builder.Services.AddSingleton<KnownSeriesCatalog>();
        builder.Services.AddSingleton<MetricsArrivals>();
        builder.Services.AddSingleton<MetricsIngest>();
        builder.Services.AddSingleton<MetricsQueries>();
        builder.Services.AddSingleton<PrometheusExposition>();
        builder.Services.AddSingleton<SeriesEviction>();
        builder.Services.AddSupervisedWorkers();
        builder.Services.AddSingleton<MetricRollupWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricRollupWriter>());
        return builder;
    }
}
