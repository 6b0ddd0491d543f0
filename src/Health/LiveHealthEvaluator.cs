using System.Globalization;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Health;

/// <summary>
/// Judges a version's live figures against its environment's limits, and combines that with the probes.
/// The rules: live error rate above the limit → Unhealthy, above half of it → Degraded; average latency above the
/// limit → Degraded; fewer requests than <c>MinRequests</c> in the window → not judged (the probes alone decide).
/// The combined status is the worse of the probe and live parts.
/// </summary>
public static class LiveHealthEvaluator
{
    public static LiveHealth Evaluate(MetricsSummary summary, LiveHealthLimits limits)
    {
        var env = limits.Environment;
        var window = $"over the last {limits.WindowSeconds} s";
        var errorPercent = summary.ErrorRate * 100;
        if (summary.Requests < limits.MinRequests)
        {
            var thin = summary.Requests == 0
                ? $"No live traffic in {env} {window}; the probes alone decide"
                : $"Too little live traffic in {env} to judge: {Requests(summary.Requests)} {window}, fewer than {limits.MinRequests}; the probes alone decide";
            return Live(HealthStatus.Unknown, thin, judged: false, []);
        }

        var failing = new List<HealthCause>(2);
        var status = HealthStatus.Healthy;
        var parts = new List<string>(2);
        // Fractions compared with fractions: 10 of 100 requests is exactly the 10% limit, not above it.
        if (summary.ErrorRate > limits.DegradedErrorRate / 100)
        {
            failing.Add(HealthCause.LiveErrorRate);
            var overLimit = summary.ErrorRate > limits.MaxErrorRate / 100;
            var above = overLimit ? "the" : "half the";
            status = overLimit ? HealthStatus.Unhealthy : HealthStatus.Degraded;
            parts.Add($"Live error rate {Percent(errorPercent)} {window} ({Requests(summary.Requests)}) is above {above} {Percent(limits.MaxErrorRate)} limit for {env}");
        }

        if (summary.AvgLatencyMs > limits.MaxAvgLatencyMs)
        {
            failing.Add(HealthCause.LiveLatency);
            status = status == HealthStatus.Unhealthy ? status : HealthStatus.Degraded;
            parts.Add(parts.Count == 0
                ? $"Live average latency {Ms(summary.AvgLatencyMs)} {window} ({Requests(summary.Requests)}) is above the {Ms(limits.MaxAvgLatencyMs)} limit for {env}"
                : $"live average latency {Ms(summary.AvgLatencyMs)} is above the {Ms(limits.MaxAvgLatencyMs)} limit too");
        }

        var reason = parts.Count > 0
            ? string.Join("; ", parts)
            : $"Live figures in {env} are within its limits: {Percent(errorPercent)} errors and {Ms(summary.AvgLatencyMs)} on average {window} ({Requests(summary.Requests)})";
        return Live(status, reason, judged: true, failing);

        LiveHealth Live(HealthStatus status, string fragment, bool judged, IReadOnlyList<HealthCause> causes) =>
            new(env, status, fragment + ".", judged, summary.Requests, summary.ErrorRate, summary.AvgLatencyMs, limits, causes);
    }

    /// <summary>
    /// The probe part and the live part as one status. A reason for a live failure reads
    /// "Live error rate 48% over the last 60 s (120 requests) is above the 10% limit for staging; probes pass."
    /// Without live figures (or too few to judge) the probe part stands as it is.
    /// </summary>
    public static CombinedHealth Combine(VersionHealth probe, LiveHealth? live)
    {
        var probesFail = probe.Status is HealthStatus.Degraded or HealthStatus.Unhealthy;
        List<HealthCause> failing = probesFail ? [HealthCause.Probes] : [];
        if (live is not { Judged: true })
        {
            return new CombinedHealth(probe.Model, probe.Version, probe.Status, probe.Reason, failing, probe, live);
        }

        failing.AddRange(live.Failing);
        var status = live.Status.Severity() > probe.Status.Severity() ? live.Status : probe.Status;
        var liveFragment = live.Reason.TrimEnd('.');
        var reason = (live.Failing.Count > 0, probe.Status) switch
        {
            (true, HealthStatus.Healthy) => $"{liveFragment}; probes pass.",
            (true, HealthStatus.Unknown) => $"{liveFragment}; the endpoint has not been probed yet.",
            _ => $"{probe.Reason} {live.Reason}",
        };
        return new CombinedHealth(probe.Model, probe.Version, status, reason, failing, probe, live);
    }

    private static string Requests(long count) => count == 1 ? "1 request" : $"{count} requests";

    private static string Percent(double percent) => percent.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + " ms";
}
