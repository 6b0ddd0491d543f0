using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Health;

/// <summary>Runs a probe round every <c>Health:IntervalSeconds</c>; a failed round is logged and the next one runs anyway.</summary>
internal sealed partial class HealthProbeService(
    HealthMonitor monitor,
    IOptionsMonitor<HealthOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<HealthProbeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Probe once the app is up: the database is migrated and, for the demo, its own backends are listening.
        if (!await lifetime.WaitUntilStartedAsync(stoppingToken))
        {
            return;
        }

        // Stop with the server, not after it: a probe of this app's own (demo) backends while it drains would fail.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        await ProbeUntilAsync(stopping.Token);
    }

    private async Task ProbeUntilAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = clock.GetTimestamp();
            try
            {
                await monitor.ProbeRoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must outlive any one failed round (e.g. the database briefly unavailable).
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, e);
            }

            var wait = options.CurrentValue.Interval - clock.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A health probe round failed; the next round runs as scheduled.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
