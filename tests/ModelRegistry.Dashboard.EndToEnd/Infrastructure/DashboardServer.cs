using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>
/// The real app on a real Kestrel port, with the demo catalogue, on its own SQLite file that is deleted afterwards.
/// By default in Development with an anonymous Operator (the flows about the engine); <see cref="InProduction"/> runs it
/// as production does (the flows about signing in).
/// </summary>
public sealed class DashboardServer : WebApplicationFactory<Program>
{
    /// <summary>The first Admin that <see cref="InProduction"/> bootstraps (<c>Auth:Bootstrap:*</c>).</summary>
    public const string AdminEmail = "admin@example.com";

    /// <summary>The bootstrap Admin's password, and the one the tests give the people they add.</summary>
    public const string Password = "a long enough passphrase";

    /// <summary>An Operator key from configuration (<c>Auth:ApiKeys</c>), for a test that sets things up through the API in production.</summary>
    public const string OperatorKey = "e2e-operator-key-0123456789abcdef";

    private readonly string _databasePath = Path.Combine(AppContext.BaseDirectory, "test-dbs", $"e2e-{Guid.NewGuid():N}.db");

    private readonly string _environment;

    private readonly IReadOnlyDictionary<string, string> _settings;

    private readonly CapturedLogs? _logs;

    /// <param name="settings">Configuration on top of the defaults below (e.g. to switch demo traffic off).</param>
    public DashboardServer(IReadOnlyDictionary<string, string>? settings = null)
        : this("Development", Development.Concat(settings ?? new Dictionary<string, string>()), logs: null)
    {
    }

    private DashboardServer(string environment, IEnumerable<KeyValuePair<string, string>> settings, CapturedLogs? logs)
    {
        _environment = environment;
        _logs = logs;
        _settings = settings.GroupBy(s => s.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase);
        Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "localhost", StringComparison.Ordinal).Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/');
    }

    public string BaseUrl { get; }

    /// <summary>
    /// The app as production runs it: the Production environment (so Secure session cookies, HSTS, the endpoint guard and
    /// the https rule for SSO apply), anonymous access off, the first Admin from <c>Auth:Bootstrap:*</c>, no demo traffic.
    /// </summary>
    /// <param name="settings">Configuration on top of the production defaults below.</param>
    /// <param name="logs">Keeps what the app logs, for a test that reads it (as an operator reads the setup link).</param>
    public static DashboardServer InProduction(IReadOnlyDictionary<string, string>? settings = null, CapturedLogs? logs = null) =>
        new("Production", Production.Concat(settings ?? new Dictionary<string, string>()), logs);

    private static readonly Dictionary<string, string> Development = new()
    {
        ["Auth:Anonymous:Enabled"] = "true",
        ["Auth:Anonymous:Name"] = "e2e-operator",
        ["Auth:Anonymous:Role"] = "Operator",
    };

    private static readonly Dictionary<string, string> Production = new()
    {
        ["Auth:Anonymous:Enabled"] = "false",
        ["Auth:Bootstrap:Email"] = AdminEmail,
        ["Auth:Bootstrap:Password"] = Password,
        ["Auth:ApiKeys:0:Name"] = "e2e-setup",
        ["Auth:ApiKeys:0:Key"] = OperatorKey,
        ["Auth:ApiKeys:0:Role"] = "Operator",
        ["Demo:Traffic:Enabled"] = "false",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        if (_environment != "Development")
        {
            // Outside Development only published output serves the packages' static web assets (blazor.web.js,
            // MudBlazor's _content); the tests run the build output, so they read its manifest as Development does.
            builder.UseStaticWebAssets();
        }

        builder.UseSetting("ConnectionStrings:Registry", $"Data Source={_databasePath}");
        builder.UseSetting("Demo:Enabled", "true");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_logs is { } logs)
        {
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs));
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
