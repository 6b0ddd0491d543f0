using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>
/// The real app on a real Kestrel port (so its probes and load generator make real HTTP calls, including to its own
/// demo backends), with extra settings and service overrides. Settings must be known before the server starts, so
/// they are constructor arguments.
/// </summary>
public sealed class KestrelDashboardFactory : DashboardFactory
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    public KestrelDashboardFactory(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _services = services;
        DemoEnabled = true;
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The endpoint of a demo backend on this server, as a version would register it.</summary>
    public string DemoEndpoint(string model, string version) => $"{BaseUrl}/demo-backends/{model}/{version}/";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
