using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Alerts;

/// <summary><c>Alerts:*</c>.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>How often every rule is evaluated against the live windows.</summary>
    [Range(0.1, 60, ErrorMessage = "Alerts:EvaluationSeconds must be between 0.1 and 60.")]
    public double EvaluationSeconds { get; set; } = 1;
}
