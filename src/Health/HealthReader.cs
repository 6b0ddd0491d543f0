using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Health;

/// <summary>
/// A version's combined health, computed on read from the probe results (<see cref="HealthRegistry"/>) and the live
/// store (<see cref="IMetricsReader"/>, microseconds per series): no loop of its own, so it is as fresh as both.
/// The deployment gate keeps reading the probe part from <see cref="HealthRegistry"/> alone: a target with no traffic
/// yet has no live figures to judge.
/// </summary>
public sealed class HealthReader(HealthRegistry registry, IMetricsReader metrics, IOptionsMonitor<LiveHealthOptions> options)
{
    /// <summary>
    /// In <paramref name="environment"/>, against its limits; without one, the worst of the environments where the
    /// version had traffic within the live store (the reason names it), or the probes alone if it had none.
    /// </summary>
    public CombinedHealth Get(string model, string version, string? environment = null)
    {
        var live = environment is null
            ? WorstLive(model, version, metrics.ActiveSeries)
            : LiveIn(new SeriesKey(environment, model, version));
        return LiveHealthEvaluator.Combine(registry.Get(model, version), live);
    }

    /// <summary>
    /// The worst of a model's <paramref name="versions"/> (by default every version that was probed or had live
    /// traffic), each judged as <see cref="Get"/> does; null if none of them has a status yet.
    /// </summary>
    public CombinedHealth? WorstOf(string model, IEnumerable<string>? versions = null, string? environment = null)
    {
        var active = metrics.ActiveSeries;
        versions ??= registry.All.Where(h => h.Model == model).Select(h => h.Version)
            .Concat(active.Where(s => s.Model == model).Select(s => s.Version));
        return versions.Distinct(StringComparer.Ordinal)
            .Select(version => LiveHealthEvaluator.Combine(
                registry.Get(model, version),
                environment is null ? WorstLive(model, version, active) : LiveIn(new SeriesKey(environment, model, version))))
            .Where(h => h.Status != HealthStatus.Unknown)
            .MaxBy(h => h.Status.Severity());
    }

    private LiveHealth? WorstLive(string model, string version, IReadOnlyCollection<SeriesKey> active) =>
        active.Where(s => s.Model == model && s.Version == version)
            .Select(LiveIn)
            .OrderByDescending(l => l.Status.Severity())
            .ThenByDescending(l => l.ErrorRate)
            .ThenBy(l => l.Environment, StringComparer.Ordinal)
            .FirstOrDefault();

    private LiveHealth LiveIn(SeriesKey series)
    {
        var limits = options.CurrentValue.LimitsFor(series.Environment);
        return LiveHealthEvaluator.Evaluate(metrics.Summarize(series, TimeSpan.FromSeconds(limits.WindowSeconds)), limits);
    }
}
