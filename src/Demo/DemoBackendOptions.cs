using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>
/// <c>Demo:BackendDefaults</c> and <c>Demo:Backends:{model}:{version}</c>: how each simulated model endpoint behaves.
/// A version's settings override the defaults field by field; the defaults override <see cref="DemoBackendBehaviour.Builtin"/>.
/// </summary>
public sealed class DemoBackendOptions : IValidatableObject
{
    public const string Section = "Demo";

    public DemoBackendSettings BackendDefaults { get; set; } = new();

    /// <summary>model → version → settings.</summary>
    public Dictionary<string, Dictionary<string, DemoBackendSettings>> Backends { get; set; } = [];

    /// <summary>Seeds every version's random sampler, so a run's latencies and failures can be reproduced.</summary>
    public int Seed { get; set; } = 20261126;

    /// <summary>
    /// Where endpoints under <c>Demo:BackendBaseUrl</c> are really reached, when not at this app's own listening address
    /// (which is used by default, so the demo works on any port).
    /// </summary>
    [Url(ErrorMessage = "Demo:BackendBaseUrlOverride must be an absolute http(s) URL.")]
    public string? BackendBaseUrlOverride { get; set; }

    /// <summary>The configured settings of one version, or null (model and version matched ignoring case).</summary>
    public DemoBackendSettings? Find(string model, string version)
    {
        var versions = Backends.TryGetValue(model, out var exact) ? exact
            : Backends.FirstOrDefault(b => string.Equals(b.Key, model, StringComparison.OrdinalIgnoreCase)).Value;
        if (versions is null)
        {
            return null;
        }

        return versions.TryGetValue(version, out var settings) ? settings
            : versions.FirstOrDefault(v => string.Equals(v.Key, version, StringComparison.OrdinalIgnoreCase)).Value;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var problems = Check($"{Section}:BackendDefaults", BackendDefaults);
        foreach (var (model, versions) in Backends)
        {
            foreach (var (version, settings) in versions ?? [])
            {
                problems = problems.Concat(Check($"{Section}:Backends:{model}:{version}", settings));
            }
        }

        return problems;
    }

    private static IEnumerable<ValidationResult> Check(string prefix, DemoBackendSettings? settings)
    {
        if (settings is null)
        {
            return [];
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult(
            $"{prefix}:{string.Join(",", r.MemberNames)} {r.ErrorMessage}",
            [.. r.MemberNames.Select(m => $"{prefix}:{m}")]));
    }
}

/// <summary>One version's behaviour as configured: every field optional.</summary>
public sealed class DemoBackendSettings
{
    /// <summary>Median response time; latencies are log-normal around it.</summary>
    [Range(0.0, 60_000.0, ErrorMessage = "must be from 0 to 60000 ms.")]
    public double? MedianLatencyMs { get; set; }

    /// <summary>σ of the log-normal latency: 0 is constant, 0.3 is realistic, 1 is wild.</summary>
    [Range(0.0, 3.0, ErrorMessage = "must be from 0 to 3 (σ of the log-normal latency).")]
    public double? LatencySpread { get; set; }

    /// <summary>Share of chat completions answered with HTTP 500.</summary>
    [Range(0.0, 1.0, ErrorMessage = "must be from 0 to 1 (a share of requests).")]
    public double? ErrorRate { get; set; }

    /// <summary>Average completion tokens per answer (each answer varies ±25% around it).</summary>
    [Range(1, 100_000, ErrorMessage = "must be from 1 to 100000.")]
    public int? CompletionTokens { get; set; }

    /// <summary>False makes the version's <c>health</c> endpoint answer 500.</summary>
    public bool? Healthy { get; set; }
}

/// <summary>One version's effective behaviour.</summary>
public sealed record DemoBackendBehaviour(double MedianLatencyMs, double LatencySpread, double ErrorRate, int CompletionTokens, bool Healthy)
{
    public static DemoBackendBehaviour Builtin { get; } = new(MedianLatencyMs: 150, LatencySpread: 0.3, ErrorRate: 0.01, CompletionTokens: 160, Healthy: true);

    public DemoBackendBehaviour Over(DemoBackendSettings? settings) => settings is null ? this : new(
        settings.MedianLatencyMs ?? MedianLatencyMs,
        settings.LatencySpread ?? LatencySpread,
        settings.ErrorRate ?? ErrorRate,
        settings.CompletionTokens ?? CompletionTokens,
        settings.Healthy ?? Healthy);
}
