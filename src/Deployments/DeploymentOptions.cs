using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary><c>Deployments:*</c>.</summary>
public sealed class DeploymentOptions
{
    public const string Section = "Deployments";

    /// <summary>How often the orchestrator drives every active deployment.</summary>
    [Range(0.1, 3600, ErrorMessage = "Deployments:TickSeconds must be between 0.1 and 3600.")]
    public double TickSeconds { get; set; } = 1;

    /// <summary>
    /// Between ticks, fresh metric events wake the orchestrator to judge again, at most once per this interval, so a
    /// breach does not wait up to a whole tick to roll back. 0 turns it off (only the tick judges).
    /// </summary>
    [Range(0.0, 3600.0, ErrorMessage = "Deployments:JudgeOnArrivalSeconds must be between 0 (off) and 3600.")]
    public double JudgeOnArrivalSeconds { get; set; } = 0.2;

    /// <summary>How long a target may take to report Healthy before its deployment fails.</summary>
    [Range(1, 3600, ErrorMessage = "Deployments:HealthCheckTimeoutSeconds must be between 1 and 3600.")]
    public int HealthCheckTimeoutSeconds { get; set; } = 30;
}
