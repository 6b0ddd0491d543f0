using Microsoft.Extensions.Logging;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>The orchestrator's loop: a pass every tick, and between ticks a pass when fresh metric events arrive.</summary>
public sealed partial class DeploymentOrchestrator
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A deployment resumed after a restart may probe its target at once; with the demo, that target is served by
        // this app, which does not listen before every hosted service has started. A probe then fails, and fails the check.
        if (!await lifetime.WaitUntilStartedAsync(stoppingToken))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CurrentValue.TickSeconds), clock);
        var nextTick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        while (true)
        {
            var passStarted = clock.GetTimestamp();
            using (var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                // Listen before the pass: events that arrive while it runs call for another one.
                var arrival = options.CurrentValue.JudgeOnArrivalSeconds > 0 ? arrivals.NextAsync(stopWaiting.Token) : null;
                try
                {
                    await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTickFailed(logger, ex);
                }

                await WaitForTickOrArrivalAsync(nextTick, arrival, passStarted, stopWaiting.Token);
                await stopWaiting.CancelAsync();
                await Task.WhenAny(arrival ?? Task.CompletedTask);
            }

            if (nextTick.IsCompleted)
            {
                if (!await nextTick)
                {
                    return;
                }

                nextTick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            }
        }
    }

    /// <summary>
    /// Waits for the next tick or, when <paramref name="arrival"/> is given, for fresh metric events but no sooner than
    /// <see cref="DeploymentOptions.JudgeOnArrivalSeconds"/> after the last pass began: a breach is judged within a
    /// fraction of a tick, and a stream of events costs at most one pass per interval.
    /// </summary>
    private async Task WaitForTickOrArrivalAsync(Task<bool> nextTick, Task? arrival, long passStarted, CancellationToken cancellationToken)
    {
        if (arrival is null || await Task.WhenAny(nextTick, arrival) == nextTick)
        {
            await Task.WhenAny(nextTick);
            return;
        }

        var rest = TimeSpan.FromSeconds(options.CurrentValue.JudgeOnArrivalSeconds) - clock.GetElapsedTime(passStarted);
        if (rest > TimeSpan.Zero)
        {
            await Task.WhenAny(nextTick, Task.Delay(rest, clock, cancellationToken));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deployment tick failed; retrying on the next tick.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probing {Model}@{Version} for its deployment failed; the next pass asks again.")]
    private static partial void LogProbeFailed(ILogger logger, string model, string version, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deployment {Id} could not advance on this tick; retrying on the next.")]
    private static partial void LogDeploymentFailed(ILogger logger, long id, Exception exception);
}
