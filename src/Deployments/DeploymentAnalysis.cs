using System.Text.Json.Serialization;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>What an active deployment is doing now, as the analysis sees it.</summary>
public enum AnalysisPhase
{
    /// <summary>Launched; the orchestrator has not picked it up yet.</summary>
    Pending,

    /// <summary>The target is being probed before it gets traffic; the phase ends at the health-check timeout.</summary>
    HealthCheck,

    /// <summary>A canary step (or blue-green/direct switch) is baking: judged continuously, advanced when its time is up and it passes.</summary>
    Bake,

    /// <summary>The target serves 100%; still judged until the watch window ends.</summary>
    Watch,

    /// <summary>Held by an operator: still judged (a failure still rolls back), but the step's time does not run.</summary>
    Paused,
}

/// <summary>
/// The live evaluation of an active deployment (<c>analysis</c> in <c>GET /api/v1/deployments/{id}</c>), computed on
/// read from the live metric store: the figures the next verdict will be judged on, against what is required, how far
/// the phase has run, and when the orchestrator judges next. Stored verdicts are only written when the outcome changes;
/// this is the state between them.
/// </summary>
/// <param name="At">When this was computed (UTC).</param>
/// <param name="Step">The step being held, 1-based (0 before the first shift).</param>
/// <param name="PhaseStartedAt">When the phase began: the health check, the step's bake or the watch window.</param>
/// <param name="PhaseSeconds">How long the phase lasts: the bake, the watch window, or the health-check timeout; null while pending.</param>
/// <param name="SecondsLeft">Until the phase's time is up (0 once it is: a bake then holds until its verdict passes); null while paused.</param>
/// <param name="Canary">The target's figures over the window the verdict uses; null before the step's traffic is judged.</param>
/// <param name="Baseline">The stable version's figures over the same window; null without a stable version.</param>
/// <param name="RequiredSamples">Canary requests below which no pass is given (<c>guard.minSamples</c>); the relative checks need as many baseline requests.</param>
/// <param name="Outcome">What a judgement now would say (VerdictEvaluator on <paramref name="Canary"/> and <paramref name="Baseline"/>).</param>
/// <param name="Summary">That judgement in words.</param>
/// <param name="LastJudgementAt">When this server's orchestrator last began a pass; null before its first.</param>
/// <param name="NextJudgementAt">The latest the next pass begins (last pass + tick); null before the first pass.</param>
/// <param name="SecondsToNextJudgement">Until <paramref name="NextJudgementAt"/>, never negative.</param>
/// <param name="JudgeOnArrivalSeconds">Fresh metric events bring the next judgement forward to within this many seconds (0 = only the tick).</param>
public sealed record DeploymentAnalysis(
    DateTime At,
    AnalysisPhase Phase,
    int Step,
    int StepCount,
    int TrafficPercent,
    DateTime? PhaseStartedAt,
    double SecondsIntoPhase,
    double? PhaseSeconds,
    double? SecondsLeft,
    AnalysisWindow? Canary,
    AnalysisWindow? Baseline,
    int RequiredSamples,
    VerdictOutcome? Outcome,
    string? Summary,
    DateTime? LastJudgementAt,
    DateTime? NextJudgementAt,
    double? SecondsToNextJudgement,
    double JudgeOnArrivalSeconds)
{
    /// <summary>
    /// Every check of the judgement now (<paramref name="Outcome"/>'s evidence: both versions' figures, the limit, the
    /// test): the page's canary report table and its relative limit lines. Not on the wire: the API keeps its
    /// <c>analysis</c> shape, and a stored verdict's <c>checks</c> carry the same breakdown.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<MetricCheck> Checks { get; init; } = [];

    /// <summary>
    /// The analysis of <paramref name="deployment"/> at <paramref name="now"/>, or null once it has finished. Reads the
    /// step's window exactly as the orchestrator's judgement does: every request since the second the step started.
    /// </summary>
    public static DeploymentAnalysis? Of(DeploymentInfo deployment, IMetricsReader metrics, DateTime? lastPass, DeploymentOptions options, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        if (!deployment.Active)
        {
            return null;
        }

        var started = deployment.StepStartedAt;
        var into = started is { } s ? Math.Max(0, (now - s).TotalSeconds) : 0;
        var watching = deployment.WatchUntil is not null;
        var phase = deployment.Status switch
        {
            DeploymentStatus.Pending => AnalysisPhase.Pending,
            DeploymentStatus.HealthChecking => AnalysisPhase.HealthCheck,
            DeploymentStatus.Paused => AnalysisPhase.Paused,
            _ => watching ? AnalysisPhase.Watch : AnalysisPhase.Bake,
        };
        double? length = phase switch
        {
            AnalysisPhase.HealthCheck => options.HealthCheckTimeoutSeconds,
            AnalysisPhase.Watch => (deployment.WatchUntil!.Value - (started ?? now)).TotalSeconds,
            AnalysisPhase.Bake or AnalysisPhase.Paused => deployment.StepSeconds,
            _ => null,
        };
        double? left = phase is AnalysisPhase.Paused || length is null ? null : Math.Max(0, length.Value - into);

        AnalysisWindow? canary = null, baseline = null;
        VerdictResult? live = null;
        if (phase is AnalysisPhase.Bake or AnalysisPhase.Watch or AnalysisPhase.Paused && started is { } since)
        {
            var from = new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc));
            var canarySummary = metrics.SummarizeSince(new SeriesKey(deployment.Environment, deployment.Model, deployment.ToVersion), from);
            var baselineSummary = deployment.FromVersion is { } stable
                ? metrics.SummarizeSince(new SeriesKey(deployment.Environment, deployment.Model, stable), from)
                : null;
            live = VerdictEvaluator.Evaluate(deployment.Guard, canarySummary, baselineSummary);
            canary = AnalysisWindow.Of(canarySummary, now);
            baseline = baselineSummary is null ? null : AnalysisWindow.Of(baselineSummary, now);
        }

        var next = lastPass?.AddSeconds(options.TickSeconds);
        return new DeploymentAnalysis(
            now, phase, deployment.CurrentStep + 1, deployment.Steps.Count, deployment.TrafficPercent, started, Round(into), length is { } l ? Round(l) : null,
            left is { } r ? Round(r) : null, canary, baseline, deployment.Guard.MinSamples, live?.Outcome, live?.Summary,
            lastPass, next, next is { } n ? Round(Math.Max(0, (n - now).TotalSeconds)) : null, options.JudgeOnArrivalSeconds)
        {
            Checks = live?.Checks ?? [],
        };
    }

    private static double Round(double seconds) => Math.Round(seconds, 1);
}

/// <summary>
/// One version's figures over the verdict's window: from the start of the second the step began (the live store counts
/// whole seconds) up to <see cref="DeploymentAnalysis.At"/>, at most the store's longest live window.
/// </summary>
/// <param name="From">The window's first moment (UTC).</param>
/// <param name="Seconds">The window's length up to now.</param>
public sealed record AnalysisWindow(
    string Version,
    DateTime From,
    double Seconds,
    long Requests,
    long Errors,
    double ErrorRatePercent,
    double AvgLatencyMs,
    double P95LatencyMs)
{
    internal static AnalysisWindow Of(MetricsSummary summary, DateTime now)
    {
        var from = StartOf(now, summary.WindowSeconds);
        return new AnalysisWindow(summary.Version, from, Math.Round((now - from).TotalSeconds, 1), summary.Requests, summary.Errors,
            Math.Round(summary.ErrorRate * 100, 2), Math.Round(summary.AvgLatencyMs, 1), Math.Round(summary.P95LatencyMs, 1));
    }

    /// <summary>The first moment of a live-store window of <paramref name="windowSeconds"/> whole seconds ending in the second of <paramref name="at"/>.</summary>
    internal static DateTime StartOf(DateTime at, int windowSeconds) =>
        new DateTime(at.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(1 - windowSeconds);
}
