using Microsoft.Extensions.Logging;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// The orchestrator's loop, on the supervised worker base: a pass every tick, and between ticks a pass when fresh
/// metric events arrive. It starts once the app listens: a deployment resumed after a restart may probe its target at
/// once, and with the demo that target is served by this app. A pass that fails is logged and retried with back-off.
/// </summary>
public sealed partial class DeploymentOrchestrator
{
    private long _passStarted;
    private Task? _arrival;
    private CancellationTokenSource? _stopWaiting;
    private PeriodicTimer? _tickTimer;
    private Task<bool>? _nextTick;

    public override string Name => "deployment-orchestrator";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.CurrentValue.TickSeconds);

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        _passStarted = Host.Clock.GetTimestamp();
        // Listen before the pass: events that arrive while it runs call for another one.
        await StopListeningAsync();
        _stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _arrival = options.CurrentValue.JudgeOnArrivalSeconds > 0 ? arrivals.NextAsync(_stopWaiting.Token) : null;
        await PassAsync(stoppingToken);
    }

    /// <summary>
    /// Waits for the next tick or, when judging on arrival, for fresh metric events but no sooner than
    /// <see cref="DeploymentOptions.JudgeOnArrivalSeconds"/> after the last pass began: a breach is judged within a
    /// fraction of a tick, and a stream of events costs at most one pass per interval.
    /// </summary>
    protected override async Task<bool> WaitForNextRunAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        // One outstanding wait per timer: an arrival may end a wait before the tick, whose wait is then kept for the
        // next call (the supervised loop replaces its timer after a failure, and then the wait starts afresh).
        if (!ReferenceEquals(timer, _tickTimer) || _nextTick is null)
        {
            _tickTimer = timer;
            _nextTick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        }

        var nextTick = _nextTick;
        if (_arrival is null || await Task.WhenAny(nextTick, _arrival) == nextTick)
        {
            await Task.WhenAny(nextTick);
        }
        else
        {
            var rest = TimeSpan.FromSeconds(options.CurrentValue.JudgeOnArrivalSeconds) - Host.Clock.GetElapsedTime(_passStarted);
            if (rest > TimeSpan.Zero)
            {
                await Task.WhenAny(nextTick, Task.Delay(rest, Host.Clock, stoppingToken));
            }
        }

        await StopListeningAsync();
        if (!nextTick.IsCompleted)
        {
            return !stoppingToken.IsCancellationRequested;
        }

        _nextTick = null;
        return await nextTick;
    }

    private async Task StopListeningAsync()
    {
        if (_stopWaiting is null)
        {
            return;
        }

        await _stopWaiting.CancelAsync();
        await Task.WhenAny(_arrival ?? Task.CompletedTask);
        _stopWaiting.Dispose();
        _stopWaiting = null;
        _arrival = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probing {Model}@{Version} for its deployment failed; the next pass asks again.")]
    private static partial void LogProbeFailed(ILogger logger, string model, string version, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deployment {Id} could not advance on this tick; retrying on the next.")]
    private static partial void LogDeploymentFailed(ILogger logger, long id, Exception exception);
}
