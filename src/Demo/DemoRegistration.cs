using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Demo;

public static class DemoRegistration
{
    public static IHostApplicationBuilder AddDemoData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>()
            .Bind(builder.Configuration.GetSection(DemoOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IDatabaseSeeder, DemoCatalogSeeder>();

        // The demo's versions are served by this very app, so outside Development the endpoint guard would refuse them
        // (and the seeding would stop the start): switching the demo on lets endpoints reach the demo backends' hosts.
        builder.Services.AddOptions<EndpointGuardOptions>()
            .PostConfigure<IOptions<DemoOptions>, IOptions<DemoBackendOptions>>((guard, demo, backends) =>
            {
                if (demo.Value.Enabled)
                {
                    guard.EndpointAllowList.AddRange(DemoHosts(demo.Value.BackendBaseUrl, backends.Value.BackendBaseUrlOverride)
                        .Except(guard.EndpointAllowList, StringComparer.OrdinalIgnoreCase));
                }
            });
        return builder;
    }

    /// <summary>
    /// The hosts the demo backends are named by and reached at: the configured base URL's and its override's, and for a
    /// local name the loopback addresses the app's own listening address is read as.
    /// </summary>
    internal static IEnumerable<string> DemoHosts(string baseUrl, string? overrideUrl)
    {
        foreach (var url in new[] { baseUrl, overrideUrl })
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                yield return uri.Host;
                if (uri.IsLoopback)
                {
                    yield return "localhost";
                    yield return "127.0.0.1";
                    yield return "::1";
                }
            }
        }
    }
}
