using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelRegistry.Dashboard.Health;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// The health checks deployments ask of their target version (glossary: <em>Health check</em>), at most one probe per
/// (model, version) at a time. A probe runs in the background and its result lands in <see cref="HealthRegistry"/>, where
/// the orchestrator's next pass reads it: awaited under a deployment's lock, a hanging endpoint would hold that
/// deployment (and the pass) for the probe's whole timeout.
/// </summary>
public sealed partial class TargetProbes(HealthMonitor healthMonitor, IHostApplicationLifetime lifetime, ILogger<TargetProbes> logger)
{
    private readonly ConcurrentDictionary<(string Model, string Version), Task> _probes = new();

    /// <summary>Starts a probe of the deployment's target unless one is already running.</summary>
    public void Request(Deployment deployment)
    {
        var key = (deployment.ModelName, deployment.ToVersion);
        if (_probes.TryGetValue(key, out var running) && !running.IsCompleted)
        {
            return;
        }

        _probes[key] = ProbeAsync(key.ModelName, key.ToVersion);
    }

    /// <summary>Completes when every probe asked for so far has answered or timed out (a test takes one decision at a time).</summary>
    public Task WhenAllAsync() => Task.WhenAll(_probes.Values);

    private async Task ProbeAsync(string model, string version)
    {
        await Task.Yield(); // never run the probe on the caller's stack: it holds the deployment's lock
        try
        {
            await healthMonitor.RequestProbeAsync(model, version, lifetime.ApplicationStopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProbeFailed(logger, model, version, ex);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probing {Model}@{Version} for its deployment failed; the next pass asks again.")]
    private static partial void LogProbeFailed(ILogger logger, string model, string version, Exception exception);
}
