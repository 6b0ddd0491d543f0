using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// The recorded result of evaluating guard rules on a window (glossary: <em>Verdict</em>). <see cref="ChecksJson"/>
/// holds every metric's canary and baseline value, threshold and p-value or bound.
/// </summary>
public sealed class Verdict
{
    public long Id { get; set; }

    public long DeploymentId { get; init; }

    public int Step { get; init; }

    public int TrafficPercent { get; init; }

    public DateTime At { get; init; }

    public required VerdictOutcome Outcome { get; init; }

    public int WindowSeconds { get; init; }

    public long CanarySamples { get; init; }

    public long BaselineSamples { get; init; }

    public required string ChecksJson { get; init; }

    public required string Summary { get; init; }
}
