using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core.Workers;

namespace ModelRegistry.Dashboard.Health;

/// <summary>
/// Runs a probe round every <c>Health:IntervalSeconds</c> on the supervised loop: a failed round (e.g. the database
/// briefly unavailable) is logged and retried after a back-off. It starts once the app listens (the database is
/// migrated and, for the demo, its own backends answer) and stops with the server, not after it: a probe of this
/// app's own backends while it drains would fail.
/// </summary>
internal sealed class HealthProbeService(WorkerHost host, HealthMonitor monitor, IOptionsMonitor<HealthOptions> options) : SupervisedWorker(host)
{
    public override string Name => "health-probes";

    protected override TimeSpan Interval => options.CurrentValue.Interval;

    protected override bool StopsWithServer => true;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => monitor.ProbeRoundAsync(stoppingToken);
}
