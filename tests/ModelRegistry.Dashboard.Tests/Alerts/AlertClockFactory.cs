using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Alerts;

/// <summary>
/// The real app on a <see cref="FakeTimeProvider"/>: time (and every timer on it) moves only when a test advances it, so
/// a cooldown of a minute passes in no time. Tests run alert rounds themselves; the other loops are slowed out of the way.
/// The database file belongs to the caller, so a second factory on it is a restart.
/// </summary>
public sealed class AlertClockFactory(string databasePath) : DashboardFactory(databasePath)
{
    /// <summary>A minute boundary, so the one-second buckets and the test's arithmetic line up.</summary>
    public static readonly DateTimeOffset Start = new(2031, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; init; } = new(Start);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Alerts:EvaluationSeconds", "60");
        builder.UseSetting("Deployments:TickSeconds", "3600");
        builder.UseSetting("Deployments:JudgeOnArrivalSeconds", "0");
        builder.UseSetting("Telemetry:FlushIntervalSeconds", "3600");
        builder.UseSetting("Health:IntervalSeconds", "3600");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

