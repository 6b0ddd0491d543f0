using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>
/// The real app on a real SQLite file of its own: demo data off unless asked for, an anonymous actor of a chosen role
/// (Admin by default) and one Automation API key. Owns and deletes its database unless it was handed one to share.
/// </summary>
public class DashboardFactory : WebApplicationFactory<Program>
{
    public const string ApiKeyName = "ci";
    public const string ApiKey = "test-automation-key-0123456789";
    public const string ApiKeyActor = "apikey:" + ApiKeyName;
    public const string AnonymousName = "test-user";

    private readonly TestDatabase? _ownedDatabase;

    public DashboardFactory()
    {
        _ownedDatabase = new TestDatabase();
        DatabasePath = _ownedDatabase.FilePath;
    }

    /// <summary>A host on an existing database file, which the caller owns (see <see cref="SharedDatabaseFactory"/>).</summary>
    protected DashboardFactory(string databasePath)
    {
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    public bool DemoEnabled { get; init; }

    public ActorRole AnonymousRole { get; init; } = ActorRole.Admin;

    /// <summary>False: nobody is anyone without signing in or a key (production's default).</summary>
    public bool AnonymousEnabled { get; init; } = true;

    /// <summary>"Development" unless a test needs production's behaviour.</summary>
    public string Environment { get; init; } = "Development";

    /// <summary>More settings, applied last.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Service overrides (e.g. a capturing logger), applied after the app's own registrations.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public ActorRole ApiKeyRole { get; init; } = ActorRole.Automation;

    public T GetRequiredService<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A client that sends the configured API key.</summary>
    public HttpClient CreateApiKeyClient(string key = ApiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>A client whose requests arrive from <paramref name="address"/> (the in-memory server has no sockets).</summary>
    public HttpClient CreateClientFrom(string address)
    {
        StartServer();
        return new HttpClient(Server.CreateHandler(context => context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address)))
        {
            BaseAddress = Server.BaseAddress,
        };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Host settings become the app's command-line arguments, so they win over appsettings.Development.json
        // and are visible to Program.cs before the host is built (the connection string is read there).
        builder.UseEnvironment(Environment);
        builder.UseSetting("ConnectionStrings:Registry", $"Data Source={DatabasePath}");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Demo:Enabled", DemoEnabled ? "true" : "false");
        builder.UseSetting("Auth:Anonymous:Enabled", AnonymousEnabled ? "true" : "false");
        builder.UseSetting("Auth:Anonymous:AllowAdminOutsideDevelopment", "true");
        builder.UseSetting("Auth:Anonymous:Name", AnonymousName);
        builder.UseSetting("Auth:Anonymous:Role", AnonymousRole.ToString());
        builder.UseSetting("Auth:ApiKeys:0:Name", ApiKeyName);
        builder.UseSetting("Auth:ApiKeys:0:Key", ApiKey);
        builder.UseSetting("Auth:ApiKeys:0:Role", ApiKeyRole.ToString());
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _ownedDatabase?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _ownedDatabase?.Dispose();
        }
    }
}

/// <summary>A second host on another factory's database file (e.g. a restart); it leaves the file to its owner.</summary>
public sealed class SharedDatabaseFactory(string databasePath) : DashboardFactory(databasePath);

/// <summary>A factory whose anonymous actor is a Viewer: may read, may not change anything.</summary>
public sealed class ViewerDashboardFactory : DashboardFactory
{
    public ViewerDashboardFactory()
    {
        AnonymousRole = ActorRole.Viewer;
    }
}

/// <summary>A factory with the demo catalogue seeded at start.</summary>
public sealed class DemoDashboardFactory : DashboardFactory
{
    public DemoDashboardFactory()
    {
        DemoEnabled = true;
    }
}
