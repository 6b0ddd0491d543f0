namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>
/// One app in production mode (<see cref="DashboardServer.InProduction"/>) and one browser shared by a test class, whose
/// tests keep apart by using their own people and models: a server start costs seconds.
/// </summary>
public sealed class ProductionDashboard : IAsyncLifetime
{
    public DashboardServer Server { get; private set; } = null!;

    public Browser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = DashboardServer.InProduction();
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
    }
}
