using System.Globalization;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Health;

/// <summary>
/// <c>Health:Live:*</c> and <c>Health:Environments:{environment}:*</c>: the limits a version's live figures are judged
/// against. The defaults match the default alert rules (error rate above 10%, average latency above 2 s, over 60 s, from
/// 20 requests), so a version that fires one of them does not read healthy.
/// </summary>
public sealed class LiveHealthOptions
{
    /// <summary>Bound from the same section as <see cref="HealthOptions"/>: <c>Health:Live</c> and <c>Health:Environments</c>.</summary>
    public const string Section = HealthOptions.Section;

    public const double DefaultMaxErrorRate = 10;
    public const double DefaultMaxAvgLatencyMs = 2000;
    public const int DefaultWindowSeconds = 60;
    public const int DefaultMinRequests = 20;

    /// <summary>The limits of every environment without an override.</summary>
    public LiveHealthSettings Live { get; set; } = new()
    {
        MaxErrorRate = DefaultMaxErrorRate,
        MaxAvgLatencyMs = DefaultMaxAvgLatencyMs,
        WindowSeconds = DefaultWindowSeconds,
        MinRequests = DefaultMinRequests,
    };

    /// <summary>Per environment, any of the <see cref="Live"/> settings; those left out come from <see cref="Live"/>.</summary>
    public Dictionary<string, LiveHealthSettings> Environments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The limits that apply in <paramref name="environment"/>.</summary>
    public LiveHealthLimits LimitsFor(string environment)
    {
        // Configuration keys are case-insensitive; the binder may hand over a dictionary of its own making.
        var own = Environments.FirstOrDefault(e => string.Equals(e.Key, environment, StringComparison.OrdinalIgnoreCase)).Value;
        return new LiveHealthLimits(
            environment,
            own?.MaxErrorRate ?? Live.MaxErrorRate ?? DefaultMaxErrorRate,
            own?.MaxAvgLatencyMs ?? Live.MaxAvgLatencyMs ?? DefaultMaxAvgLatencyMs,
            own?.WindowSeconds ?? Live.WindowSeconds ?? DefaultWindowSeconds,
            own?.MinRequests ?? Live.MinRequests ?? DefaultMinRequests);
    }
}

/// <summary>One set of live limits as configured; an environment's override may leave any of them out.</summary>
public sealed class LiveHealthSettings
{
    /// <summary>Percent of failed requests above which a version is Unhealthy (above half of it, Degraded).</summary>
    public double? MaxErrorRate { get; set; }

    /// <summary>Average latency in milliseconds above which a version is Degraded.</summary>
    public double? MaxAvgLatencyMs { get; set; }

    /// <summary>The trailing window the live figures cover.</summary>
    public int? WindowSeconds { get; set; }

    /// <summary>Fewer requests than this in the window: too little traffic to judge, so the probes alone decide.</summary>
    public int? MinRequests { get; set; }
}

/// <summary>The live limits in force in one environment.</summary>
public sealed record LiveHealthLimits(string Environment, double MaxErrorRate, double MaxAvgLatencyMs, int WindowSeconds, int MinRequests)
{
    /// <summary>Above this error rate (percent) a version is Degraded: half the limit, an early warning before the alert.</summary>
    public double DegradedErrorRate => MaxErrorRate / 2;
}

/// <summary>Refuses, at start, limits that could not be meant, naming the setting.</summary>
internal sealed class LiveHealthOptionsValidator : IValidateOptions<LiveHealthOptions>
{
    /// <summary>The live store keeps 15 minutes; a longer window could not be filled.</summary>
    private const int LongestWindowSeconds = 900;

    public ValidateOptionsResult Validate(string? name, LiveHealthOptions options)
    {
        var failures = new List<string>();
        Check(failures, "Health:Live", options.Live);
        foreach (var (environment, settings) in options.Environments)
        {
            Check(failures, $"Health:Environments:{environment}", settings);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string prefix, LiveHealthSettings? settings)
    {
        if (settings is null)
        {
            return;
        }

        InRange(failures, $"{prefix}:MaxErrorRate", settings.MaxErrorRate, 0, 100, " (a percentage)");
        InRange(failures, $"{prefix}:MaxAvgLatencyMs", settings.MaxAvgLatencyMs, 1, 600_000, "");
        InRange(failures, $"{prefix}:WindowSeconds", settings.WindowSeconds, 1, LongestWindowSeconds, " (the live store keeps 15 minutes)");
        InRange(failures, $"{prefix}:MinRequests", settings.MinRequests, 1, 1_000_000, "");
    }

    private static void InRange(List<string> failures, string key, double? value, double min, double max, string note)
    {
        // Written so that NaN fails too.
        if (value is { } v && !(v >= min && v <= max))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key} must be from {min} to {max}{note}; it is {v}."));
        }
    }
}
