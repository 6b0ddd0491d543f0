using ModelRegistry.Dashboard.Core.Fanout;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Controls.Charts;

/// <summary>
/// A page's subscription to the shared <see cref="LiveFeed"/>: hands every new second to <c>onSecond</c>, one at a time and
/// in order. A page that falls behind loses the oldest queued seconds (the feed drops them), never blocks the feed.
/// Dispose it with the page.
/// </summary>
public sealed class LiveFeedFollower : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Subscription<LiveSecond> _subscription;
    private readonly Task _loop;

    private LiveFeedFollower(LiveFeed feed, Func<LiveSecond, Task> onSecond, Func<Exception, Task> onError)
    {
        _subscription = feed.Subscribe();
        _loop = FollowAsync(onSecond, onError, _stopping.Token);
    }

    /// <param name="onSecond">Called for each new second; a page wraps its work in <c>InvokeAsync</c>.</param>
    /// <param name="onError">Called with what <paramref name="onSecond"/> threw (e.g. <c>DispatchExceptionAsync</c>); following goes on.</param>
    public static LiveFeedFollower Start(LiveFeed feed, Func<LiveSecond, Task> onSecond, Func<Exception, Task> onError) =>
        new(feed, onSecond, onError);

    private async Task FollowAsync(Func<LiveSecond, Task> onSecond, Func<Exception, Task> onError, CancellationToken stopping)
    {
        try
        {
            await foreach (var second in _subscription.Reader.ReadAllAsync(stopping))
            {
                try
                {
                    await onSecond(second);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await onError(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <summary>
    /// Stops following. Never throws: a loop that already ended on an error (e.g. an interop call the closing circuit
    /// canceled) must not stop the page from disposing the rest of what it holds — a page refresh left running keeps
    /// the whole circuit in memory for good.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _subscription.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _stopping.Dispose();
    }
}
