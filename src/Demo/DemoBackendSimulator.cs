using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>What one simulated chat completion will do: wait this long, then fail or answer with these tokens.</summary>
public readonly record struct DemoCompletionPlan(TimeSpan Latency, bool Fails, int PromptTokens, int CompletionTokens);

/// <summary>
/// Draws each simulated request's latency (log-normal around the median), failure and token count from the version's
/// configured behaviour. Each version has its own <see cref="Random"/> seeded from <c>Demo:Seed</c> and its name, so a
/// version's sequence is reproducible whatever other versions are doing.
/// </summary>
public sealed class DemoBackendSimulator(IOptionsMonitor<DemoBackendOptions> options)
{
    /// <summary>No simulated answer takes longer than this, however wild the spread.</summary>
    public static readonly TimeSpan MaxLatency = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<(string Model, string Version), Random> _samplers = new();

    public DemoBackendBehaviour BehaviourOf(string model, string version)
    {
        var settings = options.CurrentValue;
        return DemoBackendBehaviour.Builtin.Over(settings.BackendDefaults).Over(settings.Find(model, version));
    }

    public DemoCompletionPlan Plan(string model, string version, int promptTokens)
    {
        var behaviour = BehaviourOf(model, version);
        var random = _samplers.GetOrAdd((model, version), key => new Random(SeedFor(options.CurrentValue.Seed, key.Model, key.Version)));
        lock (random)
        {
            var latencyMs = behaviour.MedianLatencyMs * Math.Exp(behaviour.LatencySpread * StandardNormal(random));
            var fails = random.NextDouble() < behaviour.ErrorRate;
            var tokens = Math.Max(1, (int)Math.Round(behaviour.CompletionTokens * (0.75 + (0.5 * random.NextDouble()))));
            var latency = TimeSpan.FromMilliseconds(Math.Min(latencyMs, MaxLatency.TotalMilliseconds));
            return new DemoCompletionPlan(latency, fails, promptTokens, fails ? 0 : tokens);
        }
    }

    /// <summary>Box–Muller: one standard normal draw.</summary>
    private static double StandardNormal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>FNV-1a of "model/version" mixed with the configured seed (string.GetHashCode differs per process).</summary>
    internal static int SeedFor(int seed, string model, string version)
    {
        var hash = 2166136261u;
        foreach (var c in $"{model}/{version}")
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash ^ (uint)seed);
    }
}
