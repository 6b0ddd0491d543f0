namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// Tells readers that act on fresh data (the deployment orchestrator) that a batch of events was just recorded, so they
/// need not wait for their own timer. One signal for all series: a reader re-reads what it cares about.
/// <see cref="Notify"/> is what a recorded batch costs: a volatile read and, when a reader waits, completing its task.
/// </summary>
public sealed class MetricsArrivals
{
    private TaskCompletionSource _next = NewSignal();

    /// <summary>Completes when events are recorded after this call (a batch recorded just before it is not seen).</summary>
    public Task NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = Volatile.Read(ref _next);
            if (!current.Task.IsCompleted)
            {
                return current.Task.WaitAsync(cancellationToken);
            }

            Interlocked.CompareExchange(ref _next, NewSignal(), current);
        }
    }

    /// <summary>Events were recorded: wake whoever waits in <see cref="NextAsync"/>.</summary>
    public void Notify() => Volatile.Read(ref _next).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
