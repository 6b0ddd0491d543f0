using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// Time to rollback (issue 4, part 10; issue 8): from the first breaching metric event to the route back on the stable
/// version. Starts the real app once on Kestrel (loopback, a free port) with the demo catalogue and its own SQLite file;
/// then, per run, registers a fresh support-chat version, launches a canary of it into staging (10/50/100, 600 s per
/// step, default guard rules), waits until the first route write gave it 10%, sends events at the given rate split by
/// the route's weights — healthy for a few seconds (none with a healthy phase of 0: the canary fails from its first
/// request), then the canary at 50% errors — and polls the route every 20 ms until it no longer names the canary.
/// Rollback time = route seen without the canary − first breaching batch accepted (202).
/// Everything goes to the app's loopback address; every loop is bounded in count and time.
/// </summary>
internal static class RollbackLatencyDriver
{
    private const string Model = "support-chat";
    private const string Environment = "staging";
    private const string Stable = "1.2.0";
    private const string Endpoint = "http://localhost:5180/demo-backends/support-chat/1.2.0/";
    private static readonly TimeSpan SendInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(40);
    private static readonly int[] CanarySteps = [10, 50, 100];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(int runs, IReadOnlyList<int> rates, double healthySeconds, bool hangingProbe = false)
    {
        // The demo catalogue and demo backends (they answer the health probes), no demo traffic: the driver is
        // the only source of events. With a hanging probe, probes may take 20 s before they time out (issue 9).
        var settings = new Dictionary<string, string> { ["Demo:Enabled"] = "true", ["Demo:Traffic:Enabled"] = "false" };
        if (hangingProbe)
        {
            settings["Health:TimeoutSeconds"] = "20";
            settings["Health:IntervalSeconds"] = "30";
        }

        await using var app = new BenchApp(settings);
        var address = app.Address;
        using var hanging = hangingProbe ? new HangingEndpoint() : null;

        var tick = app.Services.GetRequiredService<IOptionsMonitor<DeploymentOptions>>().CurrentValue.TickSeconds;
        var healthy = healthySeconds > 0 ? $"{healthySeconds} s + U(0, {tick}) s healthy before the breach" : "the canary at 50% errors from its first request";
        Console.WriteLine(hanging is null ? "" : $"Alongside each run, another model's deployment health-checks {hanging.Url}, which accepts and never answers.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"App on {address}; orchestrator tick {tick} s; guard defaults (minSamples {GuardRules.Default.MinSamples}, confidence {GuardRules.Default.Confidence}); {runs} runs per rate; {healthy}; {System.Environment.ProcessorCount} cores shared by app and driver."));

        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        await DriverHttp.WaitUntilServingAsync(client);
        var results = new List<(int Rps, List<RunResult> Runs)>();
        var versionSeed = 0;
        foreach (var rps in rates)
        {
            var list = new List<RunResult>();
            for (var run = 1; run <= runs; run++)
            {
                var version = string.Create(CultureInfo.InvariantCulture, $"1.3.{++versionSeed}");
                if (hanging is not null)
                {
                    await hanging.StartDeploymentAsync(client, $"slow-{versionSeed}");
                }

                var result = await RunOnceAsync(client, version, rps, healthySeconds, tick);
                list.Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"rps {rps,5} run {run,2} ({version}): rollback {result.RollbackMs,6:0} ms; canary samples before the breach {result.CanaryBeforeBreach,4}; T0→failing verdict {result.VerdictMs,5:0} ms (on {result.VerdictSamples} canary requests); verdict→route seen {result.RollbackMs - result.VerdictMs,4:0} ms"));
            }

            results.Add((rps, list));
        }

        Console.WriteLine();
        Console.WriteLine("| requests/s (canary share) | runs | median | p99 (= max) | min | first breach → failing verdict, median | failing verdict → route seen, median | canary requests in the failing verdict, median |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (rps, list) in results)
        {
            var times = list.Select(r => r.RollbackMs).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {rps:N0} ({list[0].CanaryRps:0.#}/s) | {list.Count} | **{Median(times) / 1000:0.00} s** | **{Percentile(times, 0.99) / 1000:0.00} s** | {times[0] / 1000:0.00} s | {Median(list.Select(r => r.VerdictMs)) / 1000:0.00} s | {Median(list.Select(r => r.RollbackMs - r.VerdictMs)) / 1000:0.00} s | {Median(list.Select(r => (double)r.VerdictSamples)):0} |"));
        }
    }

    private sealed record RunResult(double RollbackMs, double VerdictMs, long VerdictSamples, int CanaryBeforeBreach, double CanaryRps);

    private static async Task<RunResult> RunOnceAsync(HttpClient client, string version, int rps, double healthySeconds, double tick)
    {
        await DriverHttp.ExpectAsync(await client.PostAsJsonAsync($"/api/v1/models/{Model}/versions", new { version, endpoint = Endpoint }), HttpStatusCode.Created);
        using var create = await client.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = Model,
            version,
            environment = Environment,
            strategy = "canary",
            canary = new { steps = CanarySteps, stepSeconds = 600 },
            reason = "time-to-rollback benchmark",
        });
        await DriverHttp.ExpectAsync(create, HttpStatusCode.Created);
        var id = (await create.Content.ReadFromJsonAsync<DeploymentView>(Json))!.Id;

        // Progressing, with the first route write done: the route names the canary.
        var setup = Stopwatch.StartNew();
        RouteView route;
        for (var attempt = 0; ; attempt++)
        {
            var deployment = await GetDeploymentAsync(client, id);
            route = await GetRouteAsync(client);
            if (deployment.Status == "progressing" && route.Splits.Any(s => s.Version == version && s.Weight > 0))
            {
                break;
            }

            if (deployment.Status is not ("pending" or "healthChecking" or "progressing") || attempt > 1000 || setup.Elapsed > PhaseTimeout)
            {
                throw new InvalidOperationException($"Deployment {id} of {version} did not start its canary: status {deployment.Status}, after {setup.Elapsed.TotalSeconds:0.0} s.");
            }

            await Task.Delay(PollInterval);
        }

        var canaryWeight = route.Splits.Where(s => s.Version == version).Sum(s => s.Weight);
        var stableWeight = route.Splits.Where(s => s.Version == Stable).Sum(s => s.Weight);
        if (canaryWeight + stableWeight != 100)
        {
            throw new InvalidOperationException($"Unexpected route for the canary: {string.Join(", ", route.Splits.Select(s => $"{s.Version} {s.Weight}%"))}.");
        }

        var random = new Random(version.GetHashCode(StringComparison.Ordinal));

        // The healthy phase lasts healthySeconds plus a random part of one tick: the canary starts right after a tick
        // (we saw its route write), so without it every breach would fall at the same point of the tick cycle. With no
        // healthy phase the canary is bad from its first request, which arrives at a random point of the cycle anyway.
        healthySeconds += healthySeconds > 0 ? random.NextDouble() * tick : 0;
        var clock = Stopwatch.StartNew();
        long t0 = 0, t1 = 0, index = 0, sent = 0;
        var canaryAccepted = 0;
        var canaryBeforeBreach = 0;
        var breachCanary = 0;
        var breaching = false;
        using var stop = new CancellationTokenSource();
        Task<long>? poller = null;
        try
        {
            for (var batchNo = 0; ; batchNo++)
            {
                var elapsed = clock.Elapsed;
                if (!breaching && elapsed.TotalSeconds >= healthySeconds)
                {
                    breaching = true;
                    canaryBeforeBreach = canaryAccepted;
                    poller = PollUntilRolledBackAsync(client, version, stop.Token);
                }

                if (poller is { IsCompleted: true })
                {
                    t1 = await poller;
                    break;
                }

                if (batchNo > 10_000 || elapsed > PhaseTimeout + TimeSpan.FromSeconds(healthySeconds))
                {
                    throw new InvalidOperationException($"{version} was not rolled back within {PhaseTimeout.TotalSeconds:0} s of the breach.");
                }

                // Every event due by now, split exactly by the route's weights: event i goes to the canary when it
                // crosses a multiple of 100 / canaryWeight.
                var due = (long)(rps * elapsed.TotalSeconds);
                var events = new List<object>((int)Math.Max(0, due - sent));
                var canaryInBatch = 0;
                var failingCanaryInBatch = false;
                for (; sent < due; sent++, index++)
                {
                    var toCanary = ((index + 1) * canaryWeight / 100) > (index * canaryWeight / 100);
                    bool success;
                    if (toCanary && breaching)
                    {
                        success = breachCanary++ % 2 == 1; // 50% errors, the first one failing
                        failingCanaryInBatch |= !success;
                    }
                    else
                    {
                        success = random.Next(100) != 0; // ~1% errors, stable and healthy canary alike
                    }

                    canaryInBatch += toCanary ? 1 : 0;
                    events.Add(new
                    {
                        model = Model,
                        version = toCanary ? version : Stable,
                        environment = Environment,
                        latencyMs = Math.Round(150 + (random.NextDouble() * 200), 1),
                        success,
                        inputTokens = random.Next(200, 600),
                        outputTokens = random.Next(100, 300),
                    });
                }

                if (events.Count > 0)
                {
                    using var response = await client.PostAsJsonAsync("/api/v1/metrics/events", new { events }, Json);
                    var accepted = Stopwatch.GetTimestamp();
                    await DriverHttp.ExpectAsync(response, HttpStatusCode.Accepted);
                    canaryAccepted += canaryInBatch;
                    if (failingCanaryInBatch && t0 == 0)
                    {
                        t0 = accepted;
                    }
                }

                var next = SendInterval - (clock.Elapsed - elapsed);
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            if (poller is not null)
            {
                await Task.WhenAny(poller);
            }
        }

        if (t0 == 0 || t1 < t0)
        {
            throw new InvalidOperationException($"{version}: the route lost the canary before the first breaching batch was accepted.");
        }

        // The deployment ends rolled back; its failing verdict says when, and on how many canary requests, it was taken.
        var t0Utc = DateTime.UtcNow - Stopwatch.GetElapsedTime(t0);
        DeploymentView done;
        var finish = Stopwatch.StartNew();
        while ((done = await GetDeploymentAsync(client, id)).Active)
        {
            if (finish.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"Deployment {id} still active after its route rolled back.");
            }

            await Task.Delay(PollInterval);
        }

        var verdict = done.Verdicts.SingleOrDefault(v => v.Id == done.RollbackVerdictId)
            ?? throw new InvalidOperationException($"Deployment {id} ended {done.Status} without a failing verdict: {done.RollbackCause}");
        var verdictAt = DateTime.SpecifyKind(verdict.At, DateTimeKind.Utc);
        return new RunResult(
            RollbackMs: Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds,
            VerdictMs: (verdictAt - t0Utc).TotalMilliseconds,
            VerdictSamples: verdict.CanarySamples,
            CanaryBeforeBreach: canaryBeforeBreach,
            CanaryRps: rps * canaryWeight / 100.0);
    }

    /// <summary>Polls the route every 20 ms; returns the timestamp of the first answer that no longer names the canary.</summary>
    private static async Task<long> PollUntilRolledBackAsync(HttpClient client, string version, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        for (var attempt = 0; attempt < 5_000 && started.Elapsed < PhaseTimeout; attempt++)
        {
            var route = await GetRouteAsync(client, cancellationToken);
            var seen = Stopwatch.GetTimestamp();
            if (!route.Splits.Any(s => s.Version == version && s.Weight > 0))
            {
                return seen;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"The route still names {version} after {started.Elapsed.TotalSeconds:0} s.");
    }

    private static async Task<RouteView> GetRouteAsync(HttpClient client, CancellationToken cancellationToken = default) =>
        (await client.GetFromJsonAsync<RouteView>($"/api/v1/environments/{Environment}/routes/{Model}", Json, cancellationToken))!;

    private static async Task<DeploymentView> GetDeploymentAsync(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<DeploymentView>($"/api/v1/deployments/{id}", Json))!;

    private static double Median(IEnumerable<double> values) => Percentile([.. values.Order()], 0.5);

    /// <summary>Nearest rank: with 20 values the 99th percentile is the largest.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN
        : p == 0.5 && sorted.Count % 2 == 0 ? (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2
        : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed record RouteView(IReadOnlyList<SplitView> Splits);

    private sealed record SplitView(string Version, int Weight);

    private sealed record DeploymentView(long Id, string Status, bool Active, string? RollbackCause, long? RollbackVerdictId, IReadOnlyList<VerdictView> Verdicts);

    private sealed record VerdictView(long Id, DateTime At, string Outcome, long CanarySamples);
}

/// <summary>
/// An endpoint that accepts connections and never answers, and a deployment per run of a fresh model whose version is
/// served there: its health check hangs until the probe timeout while the measured canary runs.
/// </summary>
internal sealed class HangingEndpoint : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<System.Net.Sockets.TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();

    public HangingEndpoint()
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _ = AcceptAsync();
    }

    public string Url { get; }

    public async Task StartDeploymentAsync(HttpClient client, string model)
    {
        await DriverHttp.ExpectAsync(await client.PostAsJsonAsync("/api/v1/models", new { name = model }), HttpStatusCode.Created);
        await DriverHttp.ExpectAsync(await client.PostAsJsonAsync($"/api/v1/models/{model}/versions", new { version = "1.0.0", endpoint = Url }), HttpStatusCode.Created);
        await DriverHttp.ExpectAsync(await client.PostAsJsonAsync("/api/v1/deployments", new { model, version = "1.0.0", environment = "staging", strategy = "direct" }), HttpStatusCode.Created);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(connection); // held open, never read nor answered
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }
}
