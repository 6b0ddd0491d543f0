using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Live;

namespace ModelRegistry.Dashboard.Health;

/// <summary>
/// The health of every probed version, shared by all users: the last <c>Health:Window</c> probes per version and the
/// status judged from them. Publishes <see cref="ChangeKind.HealthChanged"/> when a version's status changes.
/// Readers get an immutable snapshot without locking; writers serialise per version.
/// </summary>
public sealed class HealthRegistry(IChangeNotifier notifier, IOptionsMonitor<HealthOptions> options)
{
    private readonly ConcurrentDictionary<(string Model, string Version), Tracked> _versions = new();

    /// <summary>The version's health, or <see cref="HealthStatus.Unknown"/> if it was never probed.</summary>
    public VersionHealth Get(string model, string version) =>
        _versions.TryGetValue((model, version), out var tracked) ? tracked.Current : VersionHealth.Unknown(model, version);

    /// <summary>Every version probed so far.</summary>
    public IReadOnlyList<VersionHealth> All => [.. _versions.Values.Select(t => t.Current)];

    public VersionHealth Record(string model, string version, string endpoint, HealthProbeResult probe)
    {
        var settings = options.CurrentValue;
        var tracked = _versions.GetOrAdd((model, version), key => new Tracked(VersionHealth.Unknown(key.Model, key.Version, endpoint)));
        VersionHealth before, after;
        lock (tracked)
        {
            before = tracked.Current;
            tracked.Window.Enqueue(probe);
            while (tracked.Window.Count > settings.Window)
            {
                tracked.Window.Dequeue();
            }

            after = HealthEvaluator.Evaluate(model, version, endpoint, [.. tracked.Window], settings.DegradedResponseTimeMs);
            tracked.Current = after;
        }

        if (before.Status != after.Status)
        {
            notifier.Publish(new Change(ChangeKind.HealthChanged, model, version));
        }

        return after;
    }

    private sealed class Tracked(VersionHealth initial)
    {
        public Queue<HealthProbeResult> Window { get; } = new();

        public volatile VersionHealth Current = initial;
    }
}
