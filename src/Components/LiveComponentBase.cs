using ModelRegistry.Dashboard.Core.Fanout;
using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Live;

namespace ModelRegistry.Dashboard.Components;

/// <summary>
/// A component that follows the in-process change notifier: it subscribes once, reads changes in batches, and
/// calls <see cref="OnChangesAsync"/> on the circuit's dispatcher at most once per <see cref="MinimumInterval"/>
/// (~5 renders a second), so a burst of changes costs one reload. Disposal cancels, unsubscribes, then awaits the loop.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Subscription<Change>? _subscription;
    private Task? _loop;

    [Inject]
    public required IChangeNotifier Notifier { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    protected virtual TimeSpan MinimumInterval => TimeSpan.FromMilliseconds(200);

    /// <summary>Whether a change concerns this component; others are ignored without a render.</summary>
    protected abstract bool IsRelevant(Change change);

    /// <summary>Runs on the renderer's dispatcher with the relevant changes since the last call.</summary>
    protected abstract Task OnChangesAsync(IReadOnlyList<Change> changes);

    protected override void OnInitialized()
    {
        _subscription = Notifier.Subscribe();
        _loop = FollowAsync(_subscription, _stopping.Token);
    }

    private async Task FollowAsync(Subscription<Change> subscription, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var relevant = (await subscription.ReadBatchAsync(stopping)).Where(IsRelevant).ToList();
                if (relevant.Count == 0)
                {
                    continue;
                }

                await InvokeAsync(async () =>
                {
                    try
                    {
                        await OnChangesAsync(relevant);
                        StateHasChanged();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        await DispatchExceptionAsync(ex);
                    }
                });
                await Task.Delay(MinimumInterval, Clock, stopping);
            }
        }
        catch (Exception ex) when (stopping.IsCancellationRequested && ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _subscription?.Dispose();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext); // never throws: the page must still dispose what it holds
        }

        _stopping.Dispose();
        await DisposeAsyncCore();
        GC.SuppressFinalize(this);
    }

    protected virtual ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;
}
