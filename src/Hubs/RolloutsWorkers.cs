using ModelRegistry.Dashboard.Core.Fanout;
using Microsoft.AspNetCore.SignalR;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Hubs;

/// <summary>
/// Forwards route, alert and deployment changes from the in-process notifier to every hub client, as they come (a
/// supervised worker that waits on its subscription instead of a timer). No connection state is kept here (it would
/// break with two servers).
/// </summary>
internal sealed class RolloutsChangeForwarder(WorkerHost host, IHubContext<RolloutsHub> hub, IChangeNotifier notifier) : SupervisedWorker(host)
{
    private readonly Subscription<Change> _subscription = notifier.Subscribe();

    public override string Name => "hub-change-forwarder";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        foreach (var change in await _subscription.ReadBatchAsync(stoppingToken))
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

    /// <summary>The next batch is waited for by the run itself.</summary>
    protected override Task<bool> WaitForNextRunAsync(PeriodicTimer timer, CancellationToken stoppingToken) => Task.FromResult(!stoppingToken.IsCancellationRequested);

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// Once a second sends each (environment, model) group its versions' one-minute figures. Sending to a group nobody
/// joined costs nothing.
/// </summary>
internal sealed class RolloutsMetricsTicker(WorkerHost host, IHubContext<RolloutsHub> hub, IMetricsReader metrics) : SupervisedWorker(host)
{
    private static readonly TimeSpan TickWindow = TimeSpan.FromSeconds(60);

    public override string Name => "hub-metrics-tick";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var at = Host.Clock.GetUtcNow().UtcDateTime;
        foreach (var group in metrics.ActiveSeries.GroupBy(s => (s.Environment, s.Model)))
        {
            var versions = group.Select(s => metrics.Summarize(s, TickWindow)).ToList();
            await hub.Clients.Group(RolloutsHub.MetricsGroup(group.Key.Environment, group.Key.Model))
                .SendAsync("MetricsTick", new MetricsTick(group.Key.Environment, group.Key.Model, at, versions), stoppingToken);
        }
    }
}

/// <summary>One second's figures for one (environment, model): each version over the last minute.</summary>
public sealed record MetricsTick(string Environment, string Model, DateTime At, IReadOnlyList<MetricsSummary> Versions);
