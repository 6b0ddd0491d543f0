using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// Issue 4's acceptance line with a real crash: the app runs as an OS process (<see cref="AppProcess"/>), is killed with
/// SIGKILL in the middle of a canary step and started again on the same SQLite file. The deployment must then finish or
/// roll back as its rules say; every route the test reads, from either process, must be valid; and every shift must be
/// written exactly once: one <c>route.changed</c> audit entry per revision, one <c>traffic-shifted</c> event per shift.
/// <see cref="OrchestratorTests"/> proves the same decisions in-process, tick by tick; only a real kill also drops the
/// in-memory metrics, skips every shutdown hook and leaves the SQLite WAL as it was.
/// </summary>
public sealed class ProcessKillTests : IAsyncDisposable
{
    private const string Model = "crash-chat";
    private const string Environment = "staging";
    private const string Stable = "1.0.0";
    private const string Canary = "1.1.0";
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly int[] Steps = [10, 50, 100];

    /// <summary>
    /// Demo backends answer the health probes of versions registered under <c>Demo:BackendBaseUrl</c>, at whatever port
    /// the process listens on; no demo traffic, so the test's events are the only ones; a fast orchestrator; probes
    /// that a loaded machine answering slowly cannot fail or degrade; and every probe kept in a version's window, so one
    /// failed probe keeps it from being healthy for the whole test.
    /// </summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Demo:Enabled"] = "true",
        ["Demo:Traffic:Enabled"] = "false",
        ["Deployments:TickSeconds"] = "0.25",
        ["Health:TimeoutSeconds"] = "5",
        ["Health:DegradedResponseTimeMs"] = "60000",
        ["Health:Window"] = "100",
    };

    private readonly TestDatabase _database = new();
    private readonly List<AppProcess> _processes = [];
    private readonly Dictionary<long, string> _routesSeen = [];
    private long _latestRevision;

    private enum Traffic
    {
        None,
        Healthy,
        CanaryFailingHalf,
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _processes)
        {
            await app.DisposeAsync();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task Killed_mid_step_the_restarted_app_finishes_the_canary_without_shifting_twice()
    {
        var first = await StartWithStableRouteAsync();
        var id = await CreateCanaryAsync(first, stepSeconds: 3, guard: new { minSamples = 20, watchSeconds = 2 });

        // Healthy traffic until the 10% step passes its verdict and the shift to 50% is confirmed; then kill at once,
        // well inside the 50% step's 3 s: its next shift can only come from the restarted process.
        var halfway = await UntilAsync(first, id, d => d.TrafficPercent == 50, "the canary to reach 50%", Traffic.Healthy);
        Assert.Equal(DeploymentStatus.Progressing, halfway.Status);
        Assert.Equal([(Stable, 50), (Canary, 50)], await ObserveRouteAsync(first));
        var killedAt = await first.KillAsync();

        var second = await StartAppAsync();
        var done = await UntilAsync(second, id, d => !d.Active, "the restarted app to finish the canary", Traffic.Healthy);

        Assert.Equal(DeploymentStatus.Succeeded, done.Status);
        Assert.Equal([(Canary, 100)], await ObserveRouteAsync(second));
        var writes = await RouteWritesAsync(second);
        Assert.Equal([1L, 2, 3, 4], writes.Select(w => w.Revision));
        Assert.Equal(["1.0.0 100", "1.0.0 90, 1.1.0 10", "1.0.0 50, 1.1.0 50", "1.1.0 100"], writes.Select(w => w.Splits));
        Assert.True(writes[2].At < killedAt && writes[3].At > killedAt,
            $"The kill did not land inside the 50% step: 50% written at {writes[2].At:HH:mm:ss.fff}, 100% at {writes[3].At:HH:mm:ss.fff}, killed at {killedAt:HH:mm:ss.fff}.");
        Assert.Equal([(10, 2L), (50, 3L), (100, 4L)], Shifts(done));
        Assert.DoesNotContain(done.Events, e => e.Kind == DeploymentEventKind.RouteMoved);
        Assert.Contains(done.Verdicts, v => v.TrafficPercent == 50 && v.Outcome == VerdictOutcome.Pass && v.At > killedAt);
    }

    [Fact]
    public async Task Killed_while_the_canary_breaches_the_restarted_app_rolls_back_once()
    {
        var first = await StartWithStableRouteAsync();
        var id = await CreateCanaryAsync(first, stepSeconds: 600, guard: new { minSamples = 20 });
        await UntilAsync(first, id, d => d.TrafficPercent == 10, "the canary to get 10%", Traffic.None);

        // The breach starts before the crash: half the canary's requests fail, but fewer than minSamples have arrived,
        // so the first process holds them without a verdict. The kill loses them; the restarted app must judge anew.
        await PostEventsAsync(first, Stable, 20, failEvery: 0);
        await PostEventsAsync(first, Canary, 10, failEvery: 2);
        var seen = await SummaryAsync(first, Canary);
        Assert.Equal((10L, 5L), (seen.Requests, seen.Errors));
        var beforeKill = await GetAsync(first, id);
        Assert.Equal((DeploymentStatus.Progressing, 10), (beforeKill.Status, beforeKill.TrafficPercent));
        var killedAt = await first.KillAsync();

        var second = await StartAppAsync();
        var done = await UntilAsync(second, id, d => !d.Active, "the restarted app to end the canary", Traffic.CanaryFailingHalf);

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Equal([(Stable, 100)], await ObserveRouteAsync(second));
        var writes = await RouteWritesAsync(second);
        Assert.Equal([1L, 2, 3], writes.Select(w => w.Revision));
        Assert.Equal(["1.0.0 100", "1.0.0 90, 1.1.0 10", "1.0.0 100"], writes.Select(w => w.Splits));
        Assert.True(writes[2].At > killedAt, $"The rollback was written at {writes[2].At:HH:mm:ss.fff}, before the kill at {killedAt:HH:mm:ss.fff}.");
        Assert.Equal([(10, 2L), (0, 3L)], Shifts(done));
        var verdict = Assert.Single(done.Verdicts, v => v.Id == done.RollbackVerdictId);
        Assert.Equal(VerdictOutcome.Fail, verdict.Outcome);
        Assert.True(verdict.At > killedAt, $"The failing verdict is from {verdict.At:HH:mm:ss.fff}, before the kill at {killedAt:HH:mm:ss.fff}.");
        var audit = await AuditAsync(second);
        Assert.Single(audit, a => a.Action == AuditActions.DeploymentRolledBack);
    }

    [Fact]
    public async Task Killed_during_the_health_check_the_restarted_app_checks_again_and_starts_the_canary()
    {
        // The first process finds the target unhealthy; without AutoRollback that holds the deployment in its health
        // check until the check's timeout, which is where the kill lands.
        var first = await StartWithStableRouteAsync(new Dictionary<string, string> { [$"Demo:Backends:{Model}:{Canary}:Healthy"] = "false" });
        var id = await CreateCanaryAsync(first, stepSeconds: 600, guard: new { minSamples = 20, autoRollback = false });
        await UntilAsync(first, id, d => d.Events.Any(e => e.Kind == DeploymentEventKind.HealthCheck), "the health check to start", Traffic.None);
        Assert.Equal("unhealthy", (await CanaryHealthAsync(first)).GetProperty("status").GetString());
        Assert.Equal(DeploymentStatus.HealthChecking, (await GetAsync(first, id)).Status);
        var killedAt = await first.KillAsync();

        var second = await StartAppAsync();
        var started = await UntilAsync(second, id, d => d.TrafficPercent == 10, "the restarted app to health-check the target and give it 10%", Traffic.None);

        Assert.Equal(DeploymentStatus.Progressing, started.Status);
        Assert.Contains(started.Events, e => e.Kind == DeploymentEventKind.HealthCheck && e.Message.Contains("is healthy", StringComparison.Ordinal) && e.At > killedAt);
        var writes = await RouteWritesAsync(second);
        Assert.Equal(["1.0.0 100", "1.0.0 90, 1.1.0 10"], writes.Select(w => w.Splits));
        Assert.Equal([(10, 2L)], Shifts(started));

        // No probe of the restarted app failed, not even one sent before it listened (which, with AutoRollback on, would
        // have failed the deployment).
        var health = await CanaryHealthAsync(second);
        Assert.All(health.GetProperty("probes").EnumerateArray(), p => Assert.True(p.GetProperty("ok").GetBoolean(), $"A probe failed: {p}"));
    }

    /// <summary>A first process, with the model, its two versions and a route serving only the stable version.</summary>
    private async Task<AppProcess> StartWithStableRouteAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var app = await StartAppAsync(extra);
        await Seed.ModelAsync(app.Client, Model);
        await Seed.VersionAsync(app.Client, Model, Stable, DemoEndpoint(Stable));
        await Seed.VersionAsync(app.Client, Model, Canary, DemoEndpoint(Canary));
        var first = await CreateAsync(app, new { model = Model, version = Stable, environment = Environment, strategy = "direct", guard = new { watchSeconds = 0 } });
        var established = await UntilAsync(app, first, d => !d.Active, "the first deployment to establish the route", Traffic.None);
        Assert.Equal(DeploymentStatus.Succeeded, established.Status);
        Assert.Equal([(Stable, 100)], await ObserveRouteAsync(app));
        return app;
    }

    private async Task<AppProcess> StartAppAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(Settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var app = await AppProcess.StartAsync($"app process {_processes.Count + 1}", _database.FilePath, settings);
        _processes.Add(app);
        return app;
    }

    /// <summary>
    /// Polls until <paramref name="done"/> holds, sending one batch of <paramref name="traffic"/> and checking the route
    /// on every round; fails after <see cref="PhaseTimeout"/>, or as soon as the deployment ends some other way.
    /// </summary>
    private async Task<DeploymentInfo> UntilAsync(AppProcess app, long id, Func<DeploymentInfo, bool> done, string what, Traffic traffic)
    {
        DeploymentInfo? deployment = null;
        string GaveUp(TimeSpan waited) =>
            $"Gave up waiting for {what} after {waited.TotalSeconds:0.0} s: deployment {id} is {deployment!.Status} at {deployment.TrafficPercent}%. " +
            $"Events: {string.Join(" | ", deployment.Events.Select(e => $"{e.Kind}: {e.Message}"))}\n{app.Output}";

        var waited = Stopwatch.StartNew();
        await Poll.UntilAsync(
            async () =>
            {
                if (traffic != Traffic.None)
                {
                    await PostEventsAsync(app, Stable, 10, failEvery: 0);
                    await PostEventsAsync(app, Canary, 10, failEvery: traffic == Traffic.CanaryFailingHalf ? 2 : 0);
                }

                await ObserveRouteAsync(app);
                deployment = await GetAsync(app, id);
                var finished = done(deployment);
                if (!finished && !deployment.Active)
                {
                    Assert.Fail(GaveUp(waited.Elapsed)); // it ended some other way: no point waiting
                }

                return finished;
            },
            PhaseTimeout,
            GaveUp,
            PollInterval);
        return deployment!;
    }

    /// <summary>
    /// Reads the route and checks what must hold at every moment, across both processes: weights of known versions
    /// summing to 100, a revision that never goes back, and one split per revision (a revision written twice would differ).
    /// Once a route has been seen, it must stay there.
    /// </summary>
    private async Task<List<(string, int)>> ObserveRouteAsync(AppProcess app)
    {
        using var response = await app.Client.GetAsync($"/api/v1/environments/{Environment}/routes/{Model}", Ct);
        if (response.StatusCode == HttpStatusCode.NotFound && _latestRevision == 0)
        {
            return []; // the first deployment has not written the route yet
        }

        var route = await response.ReadAsync<RouteInfo>();
        var splits = Describe(route.Splits);
        Assert.True(route.Splits.Sum(s => s.Weight) == 100 && route.Splits.All(s => s.Weight is >= 1 and <= 100 && s.Version is Stable or Canary)
            && route.Splits.Select(s => s.Version).Distinct().Count() == route.Splits.Count, $"Invalid route at revision {route.Revision}: {splits}");
        Assert.True(route.Revision >= _latestRevision, $"The route went back from revision {_latestRevision} to {route.Revision} ({splits}).");
        if (_routesSeen.TryGetValue(route.Revision, out var earlier))
        {
            Assert.True(earlier == splits, $"Revision {route.Revision} was seen as {earlier}, then as {splits}.");
        }

        _routesSeen[route.Revision] = splits;
        _latestRevision = route.Revision;
        return [.. route.Splits.OrderBy(s => s.Version, StringComparer.Ordinal).Select(s => (s.Version, s.Weight))];
    }

    /// <summary>Every route write of the model, oldest first, from the audit log: the write's revision, splits and time.</summary>
    private static async Task<List<(long Revision, string Splits, DateTime At)>> RouteWritesAsync(AppProcess app) =>
        [.. (await AuditAsync(app)).Where(a => a.Action == AuditActions.RouteChanged).OrderBy(a => a.Id).Select(a =>
        {
            var after = JsonSerializer.Deserialize<RouteInfo>(a.After!, ApiJson.Options)!;
            return (after.Revision, Describe(after.Splits), a.Timestamp);
        })];

    private static async Task<IReadOnlyList<AuditRecord>> AuditAsync(AppProcess app)
    {
        using var response = await app.Client.GetAsync($"/api/v1/audit?model={Model}&pageSize=500", Ct);
        return (await response.ReadAsync<Paged<AuditRecord>>()).Items;
    }

    private static List<(int? To, long? Revision)> Shifts(DeploymentInfo deployment) =>
        [.. deployment.Events.Where(e => e.Kind == DeploymentEventKind.TrafficShifted).Select(e => (e.TrafficTo, e.RouteRevision))];

    private static string Describe(IEnumerable<SplitInfo> splits) =>
        string.Join(", ", splits.OrderBy(s => s.Version, StringComparer.Ordinal).Select(s => $"{s.Version} {s.Weight}"));

    /// <summary>An endpoint under <c>Demo:BackendBaseUrl</c>: the demo backends of whichever process runs answer its probes.</summary>
    private static string DemoEndpoint(string version) => $"http://localhost:5180/demo-backends/{Model}/{version}/";

    /// <summary>A canary of <see cref="Canary"/> over <see cref="Steps"/>.</summary>
    private static Task<long> CreateCanaryAsync(AppProcess app, int stepSeconds, object guard) =>
        CreateAsync(app, new { model = Model, version = Canary, environment = Environment, strategy = "canary", canary = new { steps = Steps, stepSeconds }, guard });

    private static async Task<long> CreateAsync(AppProcess app, object body)
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/deployments", body, Ct);
        return (await response.ReadAsync<DeploymentInfo>(HttpStatusCode.Created)).Id;
    }

    private static async Task<DeploymentInfo> GetAsync(AppProcess app, long id)
    {
        using var response = await app.Client.GetAsync($"/api/v1/deployments/{id}", Ct);
        return await response.ReadAsync<DeploymentInfo>();
    }

    private static async Task<JsonElement> CanaryHealthAsync(AppProcess app)
    {
        using var response = await app.Client.GetAsync($"/api/v1/models/{Model}/versions/{Canary}/health", Ct);
        return await response.ReadJsonAsync();
    }

    private static async Task<MetricsSummary> SummaryAsync(AppProcess app, string version)
    {
        using var response = await app.Client.GetAsync($"/api/v1/metrics/summary?model={Model}&environment={Environment}&windowSeconds=900", Ct);
        return Assert.Single((await response.ReadAsync<MetricsSummaryResult>()).Versions, v => v.Version == version);
    }

    private static Task PostEventsAsync(AppProcess app, string version, int count, int failEvery) =>
        Seed.EventsAsync(app.Client, Model, Environment, version, count, failEvery);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
