using System.Collections.Concurrent;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// One lock per deployment: the orchestrator's pass and an operator's command on the same deployment take turns, while
/// every other deployment goes on. A lock nobody holds or waits for is dropped (and only then disposed), so finished
/// deployments leave nothing behind and a command in flight at shutdown never meets a disposed lock.
/// </summary>
internal sealed class DeploymentLocks
{
    private readonly ConcurrentDictionary<long, Entry> _locks = new();

    public async Task<T> RunAsync<T>(long deploymentId, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        var entry = Acquire(deploymentId);
        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
            try
            {
                return await action();
            }
            finally
            {
                entry.Gate.Release();
            }
        }
        finally
        {
            Release(deploymentId, entry);
        }
    }

    private Entry Acquire(long id)
    {
        while (true)
        {
            var entry = _locks.GetOrAdd(id, _ => new Entry());
            lock (entry)
            {
                if (!entry.Removed)
                {
                    entry.Users++;
                    return entry;
                }
            }
        }
    }

    private void Release(long id, Entry entry)
    {
        lock (entry)
        {
            if (--entry.Users == 0)
            {
                entry.Removed = true;
                _locks.TryRemove(new KeyValuePair<long, Entry>(id, entry));
                entry.Gate.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }

        public bool Removed { get; set; }
    }
}
