using Microsoft.Extensions.Logging;

namespace ModelRegistry.Dashboard.Core.Workers;

/// <summary>
/// The one loop every background worker and every live page's refresh runs on: a run, then a wait (a
/// <see cref="PeriodicTimer"/> tick unless the caller waits otherwise); a run that throws is caught, logged, recorded
/// and retried after an exponential back-off (one interval, doubling, at most <see cref="MaxBackOff"/>), so no failure
/// ends the loop and a failing dependency is not hammered. Only cancellation of <c>stoppingToken</c> ends it.
/// </summary>
public sealed partial class SupervisedLoop
{
    /// <summary>The longest wait between two failed runs.</summary>
    public static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    private readonly string _name;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly WorkerHealthRegistry? _registry;

    /// <param name="registry">Where the state is reported for <c>/healthz</c>; null for a page's refresh (it describes one circuit, not the process).</param>
    public SupervisedLoop(string name, TimeSpan interval, TimeProvider clock, ILogger logger, WorkerHealthRegistry? registry = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _name = name;
        _interval = interval;
        _clock = clock;
        _logger = logger;
        _registry = registry;
    }

    /// <summary>Consecutive failed runs so far (0 after a success).</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row: the interval, doubled each time, capped.</summary>
    public static TimeSpan BackOff(TimeSpan interval, int failures)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 16));
        return TimeSpan.FromTicks((long)Math.Min(interval.Ticks * factor, MaxBackOff.Ticks));
    }

    /// <summary>
    /// Runs <paramref name="runOnce"/> until <paramref name="stoppingToken"/> is cancelled: first at once (or after the
    /// first wait when <paramref name="runAtOnce"/> is false), then after each <paramref name="waitForNext"/> (by default
    /// the next tick of a timer at the interval).
    /// </summary>
    public async Task RunAsync(
        Func<CancellationToken, Task> runOnce, CancellationToken stoppingToken, Func<PeriodicTimer, CancellationToken, Task<bool>>? waitForNext = null,
        bool runAtOnce = true, Func<Exception?>? takePartialFailure = null)
    {
        ArgumentNullException.ThrowIfNull(runOnce);
        _registry?.Starting(_name);
        var timer = new PeriodicTimer(_interval, _clock);
        waitForNext ??= static (t, ct) => t.WaitForNextTickAsync(ct).AsTask();
        try
        {
            var due = runAtOnce || await waitForNext(timer, stoppingToken);
            while (due)
            {
                try
                {
                    await runOnce(stoppingToken);
                    ConsecutiveFailures = 0;
                    if (takePartialFailure?.Invoke() is { } partial)
                    {
                        // The run went through but part of its work failed (one deployment of many): shown degraded,
                        // not backed off, which would hold up the parts that work.
                        _registry?.Degraded(_name, Now, partial);
                    }
                    else
                    {
                        _registry?.Succeeded(_name, Now);
                    }

                    due = await waitForNext(timer, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
#pragma warning disable CA1031 // The loop must outlive any one failed run (or wait): that is its whole purpose.
                catch (Exception error)
#pragma warning restore CA1031
                {
                    ConsecutiveFailures++;
                    var retryIn = BackOff(_interval, ConsecutiveFailures);
                    _registry?.Failed(_name, Now, error, retryIn);
                    LogRunFailed(_logger, _name, ConsecutiveFailures, retryIn.TotalSeconds, error);
                    await Task.Delay(retryIn, _clock, stoppingToken);
                    // The retry is the back-off, not the back-off plus a tick; and ticks missed meanwhile must not
                    // make the next wait return at once, so the interval starts again from here.
                    timer.Dispose();
                    timer = new PeriodicTimer(_interval, _clock);
                    due = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            timer.Dispose();
            _registry?.Stopped(_name);
        }
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    [LoggerMessage(Level = LogLevel.Error, Message = "{Worker} failed ({Failures} in a row); retrying in {RetrySeconds} s.")]
    private static partial void LogRunFailed(ILogger logger, string worker, int failures, double retrySeconds, Exception exception);
}
