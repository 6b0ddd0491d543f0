using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>
/// The real app on a real Kestrel port, with the demo catalogue, on its own SQLite file that is deleted afterwards.
/// </summary>
public sealed class DashboardServer : WebApplicationFactory<Program>
{
    private readonly string _databasePath = Path.Combine(AppContext.BaseDirectory, "test-dbs", $"e2e-{Guid.NewGuid():N}.db");

    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <param name="settings">Configuration on top of the defaults below (e.g. to switch demo traffic off).</param>
    public DashboardServer(IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "localhost", StringComparison.Ordinal).Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/');
    }

    public string BaseUrl { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Registry", $"Data Source={_databasePath}");
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Auth:Anonymous:Enabled", "true");
        builder.UseSetting("Auth:Anonymous:Name", "e2e-operator");
        builder.UseSetting("Auth:Anonymous:Role", "Operator");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }
}
