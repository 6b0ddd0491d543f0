using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// The app as shipped (Production) on Kestrel at a free loopback port, with a temporary SQLite file of its own (deleted
/// on dispose), anonymous Admin, warnings-only logging and the rate limiter off (the drivers measure the app, not the
/// limiter). <paramref name="settings"/> add to that; <paramref name="services"/> may add middleware.
/// </summary>
internal sealed class BenchApp : WebApplicationFactory<Program>
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.db");
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    public BenchApp(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _services = services;
        UseKestrel(0);
        StartServer();
        Address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "localhost", StringComparison.Ordinal));
        if (!Address.IsLoopback)
        {
            throw new InvalidOperationException($"The app must listen on loopback; it listens on {Address}.");
        }
    }

    public Uri Address { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(RepositoryRoot());
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Registry", $"Data Source={_databasePath}");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("RateLimiting:Enabled", "false");
        builder.UseSetting("Auth:Anonymous:Enabled", "true");
        builder.UseSetting("Auth:Anonymous:AllowAdminOutsideDevelopment", "true");
        builder.UseSetting("Auth:Anonymous:Name", "bench");
        builder.UseSetting("Auth:Anonymous:Role", "Admin");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }

    /// <summary>The app's content root: the folder of <c>ModelRegistry.Dashboard.sln</c>, above this program's output.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelRegistry.Dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelRegistry.Dashboard.sln above {AppContext.BaseDirectory}.");
    }
}
