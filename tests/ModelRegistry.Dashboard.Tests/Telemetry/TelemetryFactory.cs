using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// The real app with a <see cref="ManualClock"/> for every service, and a rollup interval too long to fire on its own:
/// tests call the flusher themselves.
/// </summary>
public class TelemetryFactory : DashboardFactory
{
    public TelemetryFactory()
    {
    }

    protected TelemetryFactory(string databasePath)
        : base(databasePath)
    {
    }

    public ManualClock Clock { get; init; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Telemetry:FlushIntervalSeconds", "3600");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>A host on an existing database file that the caller owns, to restart the app on the same data.</summary>
public sealed class TelemetryFactoryOnFile(string databasePath) : TelemetryFactory(databasePath);
