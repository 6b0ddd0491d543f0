using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Health;

/// <summary><c>Health:*</c>: how often and how each serving version's endpoint is probed.</summary>
public sealed class HealthOptions : IValidatableObject
{
    public const string Section = "Health";

    /// <summary>Seconds between probe rounds.</summary>
    [Range(1, 3600, ErrorMessage = "Health:IntervalSeconds must be from 1 to 3600.")]
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>Seconds a probe may take before it counts as failed ("timed out after N s").</summary>
    [Range(0.1, 300, ErrorMessage = "Health:TimeoutSeconds must be from 0.1 to 300.")]
    public double TimeoutSeconds { get; set; } = 2;

    /// <summary>Path probed relative to the version's endpoint (<c>{endpoint}/{Path}</c>).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Health:Path is required (e.g. 'health').")]
    [RegularExpression(@"^/?[A-Za-z0-9._~!$&'()*+,;=:@%/-]*(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$",
        ErrorMessage = "Health:Path must be a relative URL path such as 'health' or 'v1/health'.")]
    public string Path { get; set; } = "health";

    /// <summary>How many of the most recent probes a version's status is judged on.</summary>
    [Range(1, 100, ErrorMessage = "Health:Window must be from 1 to 100 probes.")]
    public int Window { get; set; } = 5;

    /// <summary>Above this average response time over the window a responding version is Degraded.</summary>
    [Range(1, 600_000, ErrorMessage = "Health:DegradedResponseTimeMs must be from 1 to 600000.")]
    public int DegradedResponseTimeMs { get; set; } = 1000;

    /// <summary>How long a version asked for with <c>RequestProbeAsync</c> keeps being probed without serving traffic.</summary>
    [Range(1, 86_400, ErrorMessage = "Health:RequestedWatchSeconds must be from 1 to 86400.")]
    public int RequestedWatchSeconds { get; set; } = 600;

    /// <summary>How many endpoints are probed at once in a round.</summary>
    [Range(1, 256, ErrorMessage = "Health:MaxConcurrentProbes must be from 1 to 256.")]
    public int MaxConcurrentProbes { get; set; } = 16;

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Path is not null && Path.Contains("://", StringComparison.Ordinal))
        {
            yield return new ValidationResult("Health:Path must be relative to the version's endpoint, not an absolute URL.", [nameof(Path)]);
        }

        if (TimeoutSeconds > IntervalSeconds)
        {
            yield return new ValidationResult(
                $"Health:TimeoutSeconds ({TimeoutSeconds}) must not exceed Health:IntervalSeconds ({IntervalSeconds}), or probe rounds would overlap.",
                [nameof(TimeoutSeconds)]);
        }
    }
}
