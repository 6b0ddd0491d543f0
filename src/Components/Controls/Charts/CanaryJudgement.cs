using System.Globalization;
using System.Text.Json;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Components.Controls.Charts;

/// <summary>
/// The judgement the canary report shows check by check: a verdict the operator picked, else the live one (while the
/// deployment is judged), else its last stored verdict. <see cref="Window"/> labels the relative limit lines it yields.
/// </summary>
public sealed record CanaryJudgement(IReadOnlyList<MetricCheck> Checks, string Caption, string Window)
{
    public static CanaryJudgement None { get; } = new([], "No judgement yet", "this step");

    public static CanaryJudgement Of(DeploymentInfo deployment, DeploymentAnalysis? analysis, VerdictInfo? picked)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (picked is null && analysis is { Checks.Count: > 0, Canary: { } canary } live)
        {
            var outcome = live.Outcome is { } o ? $": {Words.Of(o)}" : "";
            return new(live.Checks,
                $"Judged now on step {live.Step} of {live.StepCount} ({live.TrafficPercent}%), {canary.Requests} canary requests since {Time(canary.From)}{outcome}",
                "this step");
        }

        if ((picked ?? (deployment.Verdicts.Count > 0 ? deployment.Verdicts[^1] : null)) is not { } verdict)
        {
            return None;
        }

        return new(ChecksOf(verdict),
            $"Verdict {verdict.Id} at {Time(verdict.At)}: step {verdict.Step + 1} of {deployment.Steps.Count} ({verdict.TrafficPercent}%), {Words.Of(verdict.Outcome)}",
            $"verdict {verdict.Id}");
    }

    /// <summary>A stored verdict's checks, as the engine wrote them (its <c>checks</c> on the wire).</summary>
    public static IReadOnlyList<MetricCheck> ChecksOf(VerdictInfo verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return verdict.Checks.ValueKind == JsonValueKind.Array
            ? verdict.Checks.Deserialize<MetricCheck[]>(JsonSerializerOptions.Web) ?? []
            : [];
    }

    private static string Time(DateTime at) => at.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
