namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>Each test class gets its own server (own database) and browser; both are torn down after it.</summary>
public abstract class EndToEndTest : IAsyncLifetime
{
    protected DashboardServer Server { get; private set; } = null!;

    protected Browser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = new DashboardServer();
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
