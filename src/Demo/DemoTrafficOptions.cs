using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>
/// <c>Demo:Traffic:*</c>: the load generator that sends real requests through the gateway to the demo backends (only
/// when <c>Demo:Enabled</c>).
/// </summary>
public sealed class DemoTrafficOptions
{
    public const string Section = "Demo:Traffic";

    public bool Enabled { get; set; } = true;

    [Range(0.01, 1000, ErrorMessage = "Demo:Traffic:RequestsPerSecondPerRoute must be from 0.01 to 1000.")]
    public double RequestsPerSecondPerRoute { get; set; } = 3;

    /// <summary>Requests in flight at once, over all routes; a request that would exceed it is skipped, not queued.</summary>
    [Range(1, 4096, ErrorMessage = "Demo:Traffic:MaxConcurrentRequests must be from 1 to 4096.")]
    public int MaxConcurrentRequests { get; set; } = 64;

    [Range(0.1, 600, ErrorMessage = "Demo:Traffic:TimeoutSeconds must be from 0.1 to 600.")]
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Routes are reloaded on every route change and at least this often.</summary>
    [Range(1, 3600, ErrorMessage = "Demo:Traffic:RouteRefreshSeconds must be from 1 to 3600.")]
    public int RouteRefreshSeconds { get; set; } = 5;

    /// <summary>
    /// Simulated users per model: each request comes from one of them, as its <c>X-Session-Id</c>, so the gateway keeps
    /// each user on one version while the split allows it.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Demo:Traffic:Users must be from 1 to 1000000.")]
    public int Users { get; set; } = 200;

    /// <summary>
    /// Send only on routes whose every version is served by the demo backends (endpoints under <c>Demo:BackendBaseUrl</c>),
    /// so the gateway never forwards synthetic traffic to a real model endpoint someone registered; a route with any
    /// other version gets none.
    /// </summary>
    public bool DemoBackendsOnly { get; set; } = true;

    /// <summary>Seeds the users and prompts, so a run's traffic mix can be reproduced.</summary>
    public int Seed { get; set; } = 7;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
