using System.Globalization;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Deployments.Verdicts;

/// <summary>
/// One deployment's guard rules (DESIGN.md §2): absolute limits on the canary, limits relative to the baseline (the
/// stable version over the same window), the canary requests a pass needs, and the confidence a breach must be shown at. Rates are percentages (10 = 10%), as the wizard shows them. Every property has a default,
/// so a JSON body may name only what it changes.
/// </summary>
public sealed record GuardRules
{
    /// <summary>The defaults the wizard starts from when an environment sets none of its own.</summary>
    public static GuardRules Default { get; } = new();

    /// <summary>A failing verdict rolls back at once (true) or only reports (false).</summary>
    public bool AutoRollback { get; init; } = true;

    /// <summary>Highest canary error rate, percent.</summary>
    public double MaxErrorRate { get; init; } = 10;

    /// <summary>Highest canary average latency, milliseconds.</summary>
    public double MaxAvgLatencyMs { get; init; } = 2000;

    /// <summary>Highest canary p95 latency, milliseconds; null = no limit.</summary>
    public double? MaxP95LatencyMs { get; init; }

    /// <summary>Lowest canary success rate, percent; null = no limit.</summary>
    public double? MinSuccessRate { get; init; }

    /// <summary>Highest increase of the canary's average latency over the baseline's, percent of the baseline.</summary>
    public double MaxLatencyIncreasePercent { get; init; } = 50;

    /// <summary>Highest increase of the canary's error rate over the baseline's, percentage points.</summary>
    public double MaxErrorRateIncrease { get; init; } = 5;

    /// <summary>Highest increase of the canary's tokens per request over the baseline's, percent of the baseline.</summary>
    public double MaxTokensPerRequestIncreasePercent { get; init; } = 50;

    /// <summary>
    /// The floor for a pass: canary requests below which the verdict is at best insufficient data (never a pass on thin
    /// data), and the requests the latency and token checks wait for on each side. Not a floor for a failure: the error
    /// checks are sequential and fail as soon as their evidence suffices (see <see cref="VerdictEvaluator"/>).
    /// </summary>
    public int MinSamples { get; init; } = 50;

    /// <summary>One-sided confidence at which a breach must be shown before it fails the canary (0.99 = at most 1% false alarms per check over the whole canary, however often it is judged).</summary>
    public double Confidence { get; init; } = 0.99;

    /// <summary>How long guard rules keep being evaluated after the target reaches 100%, seconds.</summary>
    public int WatchSeconds { get; init; } = 60;

    /// <summary>Lowest floor allowed: below ten requests a pass says little, and the normal approximations behind the latency checks mean little.</summary>
    public const int LowestMinSamples = 10;

    /// <summary>Throws <see cref="ValidationFailedException"/> naming every bad field as <c>{prefix}.{property}</c>.</summary>
    public void Validate(string prefix = "guard")
    {
        var errors = new ValidationErrors();
        AddErrorsTo(errors, prefix);
        errors.ThrowIfAny();
    }

    /// <summary>Adds this record's problems to <paramref name="errors"/> so that a larger input reports them all at once.</summary>
    public void AddErrorsTo(ValidationErrors errors, string prefix = "guard")
    {
        ArgumentNullException.ThrowIfNull(errors);
        string Field(string name) => $"{prefix}.{name}";

        Percentage(errors, Field("maxErrorRate"), MaxErrorRate);
        Positive(errors, Field("maxAvgLatencyMs"), MaxAvgLatencyMs);
        if (MaxP95LatencyMs is { } p95)
        {
            Positive(errors, Field("maxP95LatencyMs"), p95);
        }

        if (MinSuccessRate is { } success)
        {
            Percentage(errors, Field("minSuccessRate"), success);
        }

        IncreasePercent(errors, Field("maxLatencyIncreasePercent"), MaxLatencyIncreasePercent);
        Percentage(errors, Field("maxErrorRateIncrease"), MaxErrorRateIncrease, "percentage points");
        IncreasePercent(errors, Field("maxTokensPerRequestIncreasePercent"), MaxTokensPerRequestIncreasePercent);

        if (MinSamples is < LowestMinSamples or > 1_000_000)
        {
            errors.Add(Field("minSamples"), $"'{Field("minSamples")}' must be between {LowestMinSamples} and 1,000,000 requests.");
        }

        if (double.IsNaN(Confidence) || Confidence <= 0.5 || Confidence >= 0.9999)
        {
            errors.Add(Field("confidence"), $"'{Field("confidence")}' must be above 0.5 and below 0.9999 (e.g. 0.99 for 99%).");
        }

        if (WatchSeconds is < 0 or > 86_400)
        {
            errors.Add(Field("watchSeconds"), $"'{Field("watchSeconds")}' must be between 0 and 86400 seconds.");
        }
    }

    private static void Percentage(ValidationErrors errors, string field, double value, string unit = "a percentage")
    {
        if (!double.IsFinite(value) || value < 0 || value > 100)
        {
            errors.Add(field, $"'{field}' must be {unit} between 0 and 100 (got {Show(value)}).");
        }
    }

    private static void Positive(ValidationErrors errors, string field, double value)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            errors.Add(field, $"'{field}' must be a number of milliseconds above 0 (got {Show(value)}).");
        }
    }

    private static void IncreasePercent(ValidationErrors errors, string field, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 10_000)
        {
            errors.Add(field, $"'{field}' must be a percentage increase between 0 and 10000 (got {Show(value)}).");
        }
    }

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}
