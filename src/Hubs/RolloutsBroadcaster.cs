using Microsoft.AspNetCore.SignalR;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Hubs;

/// <summary>
/// Forwards route and alert changes from the in-process notifier to every hub client, and once a second sends each
/// (environment, model) group its versions' one-minute figures. Sending to a group nobody joined costs nothing,
/// so no connection state is kept here (it would break with two servers).
/// </summary>
internal sealed partial class RolloutsBroadcaster(
    IHubContext<RolloutsHub> hub,
    IChangeNotifier notifier,
    IMetricsReader metrics,
    TimeProvider clock,
    ILogger<RolloutsBroadcaster> logger) : BackgroundService
{
    private static readonly TimeSpan TickWindow = TimeSpan.FromSeconds(60);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ForwardChangesAsync(stoppingToken), TickMetricsAsync(stoppingToken));

    private async Task ForwardChangesAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifier.Subscribe();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var change in await subscription.ReadBatchAsync(stoppingToken))
                {
                    var method = change.Kind switch
                    {
                        ChangeKind.RouteChanged => "RouteChanged",
                        ChangeKind.AlertChanged => "AlertChanged",
                        ChangeKind.DeploymentChanged => "DeploymentChanged",
                        _ => null,
                    };
                    if (method is not null)
                    {
                        await hub.Clients.All.SendAsync(method,
                            new HubChange(change.Kind.ToString(), change.Model, change.Version, change.Environment, change.Detail), stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task TickMetricsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var at = clock.GetUtcNow().UtcDateTime;
                    foreach (var group in metrics.ActiveSeries.GroupBy(s => (s.Environment, s.Model)))
                    {
                        var versions = group.Select(s => metrics.Summarize(s, TickWindow)).ToList();
                        await hub.Clients.Group(RolloutsHub.MetricsGroup(group.Key.Environment, group.Key.Model))
                            .SendAsync("MetricsTick", new MetricsTick(group.Key.Environment, group.Key.Model, at, versions), stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTickFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A MetricsTick could not be sent; the next second tries again.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}

/// <summary>One second's figures for one (environment, model): each version over the last minute.</summary>
public sealed record MetricsTick(string Environment, string Model, DateTime At, IReadOnlyList<MetricsSummary> Versions);
