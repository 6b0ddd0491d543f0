using System.Globalization;

namespace ModelRegistry.Dashboard.Health;

/// <summary>
/// Judges a version from its last probes (oldest first). The latest probe decides between up and down, so a version that
/// just stopped answering is Unhealthy at once; earlier failures or slow answers make a responding version Degraded.
/// </summary>
public static class HealthEvaluator
{
    public static VersionHealth Evaluate(string model, string version, string? endpoint, IReadOnlyList<HealthProbeResult> probes, int degradedResponseTimeMs)
    {
        if (probes.Count == 0)
        {
            return VersionHealth.Unknown(model, version, endpoint);
        }

        var latest = probes[^1];
        var count = probes.Count;
        var failures = probes.Count(p => !p.Ok);
        var answered = probes.Where(p => p.StatusCode is not null).ToList();
        double? responseTime = answered.Count == 0 ? null : answered.Average(p => p.LatencyMs);
        double? lastResponseTime = latest.StatusCode is null ? null : latest.LatencyMs;
        var errorRate = (double)failures / count;

        var (status, reason) = (latest.Ok, failures) switch
        {
            (false, _) when count == 1 => (HealthStatus.Unhealthy, $"The probe failed: {latest.Error}."),
            (false, _) => (HealthStatus.Unhealthy, $"{failures} of the last {count} probes failed: {latest.Error}."),
            (true, > 0) => (HealthStatus.Degraded,
                $"Answering again, but {failures} of the last {count} probes failed (last failure: {probes.Last(p => !p.Ok).Error})."),
            _ when responseTime > degradedResponseTimeMs => (HealthStatus.Degraded,
                $"Responding slowly: {Ms(responseTime.Value)} on average over the last {Probes(count)} (limit {degradedResponseTimeMs} ms)."),
            _ => (HealthStatus.Healthy,
                count == 1 ? $"The probe succeeded in {Ms(latest.LatencyMs)}." : $"All of the last {count} probes succeeded, {Ms(responseTime ?? 0)} on average."),
        };

        return new VersionHealth(model, version, endpoint, status, reason, latest.At, probes, responseTime, lastResponseTime, errorRate);
    }

    private static string Probes(int count) => count == 1 ? "probe" : $"{count} probes";

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + " ms";
}
