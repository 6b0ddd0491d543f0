namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>Each test class gets its own server (own database) and browser; both are torn down after it.</summary>
public abstract class EndToEndTest : IAsyncLifetime
{
    protected DashboardServer Server { get; private set; } = null!;

    protected Browser Browser { get; private set; } = null!;

    /// <summary>Settings for this class's server, on top of <see cref="DashboardServer"/>'s defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    public async ValueTask InitializeAsync()
    {
        Server = new DashboardServer(Settings);
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
