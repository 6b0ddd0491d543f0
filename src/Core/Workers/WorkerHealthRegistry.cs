using System.Collections.Concurrent;

namespace ModelRegistry.Dashboard.Core.Workers;

/// <summary>How a supervised loop is doing, as <c>/healthz</c> reports it.</summary>
public enum WorkerStatus
{
    /// <summary>Started, no run finished yet.</summary>
    Starting,

    /// <summary>The last run succeeded.</summary>
    Healthy,

    /// <summary>The last run failed; the loop backs off and retries.</summary>
    Degraded,

    /// <summary>Stopped with the host, or switched off by its settings.</summary>
    Stopped,
}

/// <summary>One loop's last success and last failure.</summary>
/// <param name="ConsecutiveFailures">Runs failed in a row since the last success.</param>
/// <param name="RetryAt">When a degraded loop runs again (after its back-off).</param>
public sealed record WorkerState(
    string Name,
    WorkerStatus Status,
    DateTime? LastSuccessAt,
    DateTime? LastFailureAt,
    string? LastError,
    int ConsecutiveFailures,
    DateTime? RetryAt,
    long Runs);

/// <summary>
/// Every supervised loop's state, kept in memory (it describes this process). Written by <see cref="SupervisedLoop"/>,
/// read by the health endpoint. Thread-safe: each loop replaces its own immutable record.
/// </summary>
public sealed class WorkerHealthRegistry
{
    private readonly ConcurrentDictionary<string, WorkerState> _states = new(StringComparer.Ordinal);

    public IReadOnlyList<WorkerState> All => [.. _states.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    public WorkerState? Get(string name) => _states.GetValueOrDefault(name);

    internal void Starting(string name) =>
        _states[name] = new WorkerState(name, WorkerStatus.Starting, null, null, null, 0, null, 0);

    internal void Succeeded(string name, DateTime at) =>
        _states.AddOrUpdate(name,
            _ => new WorkerState(name, WorkerStatus.Healthy, at, null, null, 0, null, 1),
            (_, s) => s with { Status = WorkerStatus.Healthy, LastSuccessAt = at, ConsecutiveFailures = 0, RetryAt = null, Runs = s.Runs + 1 });

    internal WorkerState Failed(string name, DateTime at, Exception error, TimeSpan retryIn) =>
        _states.AddOrUpdate(name,
            _ => new WorkerState(name, WorkerStatus.Degraded, null, at, Describe(error), 1, at + retryIn, 1),
            (_, s) => s with
            {
                Status = WorkerStatus.Degraded, LastFailureAt = at, LastError = Describe(error), ConsecutiveFailures = s.ConsecutiveFailures + 1,
                RetryAt = at + retryIn, Runs = s.Runs + 1,
            });

    /// <summary>A run that went through while part of its work failed: degraded, with no back-off.</summary>
    internal void Degraded(string name, DateTime at, Exception error) =>
        _states.AddOrUpdate(name,
            _ => new WorkerState(name, WorkerStatus.Degraded, at, at, Describe(error), 1, null, 1),
            (_, s) => s with
            {
                Status = WorkerStatus.Degraded, LastSuccessAt = at, LastFailureAt = at, LastError = Describe(error), ConsecutiveFailures = s.ConsecutiveFailures + 1,
                RetryAt = null, Runs = s.Runs + 1,
            });

    internal void Stopped(string name) =>
        _states.AddOrUpdate(name, _ => new WorkerState(name, WorkerStatus.Stopped, null, null, null, 0, null, 0), (_, s) => s with { Status = WorkerStatus.Stopped, RetryAt = null });

    private static string Describe(Exception error)
    {
        var text = $"{error.GetType().Name}: {error.Message}";
        return text.Length > 500 ? text[..500] : text;
    }
}
