namespace ModelRegistry.Dashboard.Components;

/// <summary>
/// Runs a component's refresh on a <see cref="PeriodicTimer"/> (figures read from memory once a second, instead of a
/// render per event). The callback should enter the circuit through <c>InvokeAsync</c>. Disposal cancels, then awaits
/// the loop, so no tick runs after the component is gone.
/// </summary>
public sealed class PeriodicRefresh : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private PeriodicRefresh(TimeSpan period, TimeProvider clock, Func<Task> tick) =>
        _loop = RunAsync(period, clock, tick, _stopping.Token);

    public static PeriodicRefresh Start(TimeSpan period, TimeProvider clock, Func<Task> tick) => new(period, clock, tick);

    private static async Task RunAsync(TimeSpan period, TimeProvider clock, Func<Task> tick, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await tick();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}
