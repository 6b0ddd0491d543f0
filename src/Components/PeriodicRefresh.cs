using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelRegistry.Dashboard.Core.Workers;

namespace ModelRegistry.Dashboard.Components;

/// <summary>
/// Runs a component's refresh on the app's one supervised loop (figures read from memory once a second, instead of a
/// render per event): a refresh that throws is logged and retried with back-off instead of silently ending the page's
/// updates. The callback should enter the circuit through <c>InvokeAsync</c>. Disposal cancels, then awaits the loop,
/// so no tick runs after the component is gone.
/// </summary>
public sealed class PeriodicRefresh : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private PeriodicRefresh(TimeSpan period, TimeProvider clock, Func<Task> tick, ILogger logger)
    {
        Loop = new SupervisedLoop("page refresh", period, clock, logger);
        _loop = Loop.RunAsync(_ => tick(), _stopping.Token, runAtOnce: false);
    }

    /// <summary>The loop, for a page that shows its refresh is failing.</summary>
    public SupervisedLoop Loop { get; }

    public static PeriodicRefresh Start(TimeSpan period, TimeProvider clock, Func<Task> tick, ILogger? logger = null) =>
        new(period, clock, tick, logger ?? NullLogger.Instance);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext); // never throws: see LiveFeedFollower.DisposeAsync
        _stopping.Dispose();
    }
}
