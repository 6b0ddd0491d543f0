using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using ModelRegistry.Dashboard.Tests.Telemetry;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// The real app with a <see cref="ManualClock"/>, an orchestrator timer too slow to matter (tests call
/// <c>TickOnceAsync</c>), and health probes answered in-process: 200, or 500 for an endpoint under <c>/bad/</c>.
/// </summary>
public class DeploymentFactory : DashboardFactory
{
    public DeploymentFactory()
    {
    }

    protected DeploymentFactory(string databasePath)
        : base(databasePath)
    {
    }

    public ManualClock Clock { get; init; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Deployments:TickSeconds", "3600");
        builder.UseSetting("Deployments:JudgeOnArrivalSeconds", "0");
        builder.UseSetting("Telemetry:FlushIntervalSeconds", "3600");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IHttpClientFactory>(new StubHttpClientFactory(new StubHandler((request, _) =>
                Task.FromResult(new HttpResponseMessage(request.RequestUri!.AbsolutePath.Contains("/bad/", StringComparison.Ordinal)
                    ? HttpStatusCode.InternalServerError
                    : HttpStatusCode.OK)))));
        });
    }
}

/// <summary>A second host on the same database file: a restart.</summary>
public sealed class DeploymentFactoryOnFile(string databasePath) : DeploymentFactory(databasePath);
