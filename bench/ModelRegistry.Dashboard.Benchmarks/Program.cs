using System.Globalization;
using BenchmarkDotNet.Running;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>Not top-level statements: those would declare a second <c>Program</c>, hiding the app's.</summary>
internal static class BenchmarkEntry
{
    /// <summary>
    /// <c>--load [seconds] [clients]</c> runs the HTTP ingest load driver; <c>--rollback [runs] [rps[,rps…]] [healthySeconds]</c>
    /// the time-to-rollback driver (<c>--hanging-probe</c>: with another model's deployment health-checking an endpoint that never answers); <c>--memory [series]</c> the series memory driver;
    /// <c>--dashboards [counts] [--real N] [--compare N] [--rounds N] [--settle s] [--window s] [--port P] [--app DIR] [--dumps DIR]</c>
    /// the open-dashboards driver; <c>--circuits URL N SECONDS</c> N light Blazor circuits on an app already running; <c>--gateway [seconds] [connections[,connections…]] [rounds]</c> the gateway overhead driver (<c>--soak direct|'bare YARP'|gateway[+…] [--allocations]</c>: only those paths, in rotation, a steady load for a profiler or an A/B)
    /// (direct to a fake backend vs bare YARP vs the gateway); anything else goes to BenchmarkDotNet.
    /// </summary>
    public static async Task Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--load")
        {
            var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
            var clients = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
            await IngestLoadDriver.RunAsync(TimeSpan.FromSeconds(seconds), clients);
            return;
        }

        if (args.Length > 0 && args[0] == "--rollback")
        {
            var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
            var rates = args.Length > 2 ? args[2].Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToList() : [100];
            var healthySeconds = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 3;
            var hangingProbe = args.Contains("--hanging-probe");
            if (runs is < 1 or > 100 || rates.Any(r => r is < 10 or > 5_000) || healthySeconds is < 0 or > 30)
            {
                throw new ArgumentException("--rollback [runs 1–100] [rps 10–5000, comma-separated] [healthySeconds 0–30] [--hanging-probe]");
            }

            await RollbackLatencyDriver.RunAsync(runs, rates, healthySeconds, hangingProbe);
            return;
        }

        if (args.Length > 0 && args[0] == "--memory")
        {
            int? series = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : null;
            await SeriesMemoryDriver.RunAsync(series);
            SeriesMemoryDriver.RunStoreAlone(series);
            return;
        }

        if (args.Length > 0 && args[0] == "--gateway")
        {
            var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
            var concurrency = args.Length > 2 ? args[2].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList() : [16, 64];
            var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
            if (seconds is < 1 or > 120 || concurrency.Any(c => c is < 1 or > 256) || rounds is < 1 or > 10)
            {
                throw new ArgumentException("--gateway [seconds 1–120] [connections 1–256, comma-separated] [rounds 1–10]");
            }

            var soak = Array.IndexOf(args, "--soak") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
            if (soak is not null && soak.Split('+').Any(path => path is not ("direct" or "bare YARP" or "bare YARP, no logging" or "gateway")))
            {
                throw new ArgumentException("--soak direct|'bare YARP'|gateway[+…] [--allocations]");
            }

            await GatewayLoadDriver.RunAsync(new GatewayLoadDriver.Options(TimeSpan.FromSeconds(seconds), concurrency, rounds, soak, args.Contains("--allocations")));
            return;
        }

        if (args.Length > 0 && args[0] == "--circuits")
        {
            if (args.Length < 4 || !Uri.TryCreate(args[1], UriKind.Absolute, out var page)
                || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var circuits) || circuits is < 1 or > 1000
                || !int.TryParse(args[3], CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 600)
            {
                throw new ArgumentException("--circuits URL circuits(1–1000) seconds(1–600)");
            }

            await CircuitSmokeAsync(page, circuits, TimeSpan.FromSeconds(seconds));
            return;
        }

        if (args.Length > 0 && args[0] == "--dashboards")
        {
            await DashboardLoadDriver.RunAsync(DashboardArguments(args));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(RecordBenchmarks).Assembly).Run(args);
    }

    /// <summary>
    /// <c>--circuits URL N SECONDS</c>: opens N <see cref="BlazorCircuitClient"/>s on an app that is already running, then
    /// for SECONDS counts what arrives: a check that the light client keeps real circuits alive and fed.
    /// </summary>
    private static async Task CircuitSmokeAsync(Uri page, int count, TimeSpan window)
    {
        var gate = new object();
        var latencies = new List<long>();
        var measuring = false;
        var diagnostics = new Dictionary<string, int>(StringComparer.Ordinal);
        void OnAppend(ChartAppend append)
        {
            lock (gate)
            {
                if (measuring && append.IsNewSecond)
                {
                    latencies.Add(append.ArrivalLatencyMs);
                }
            }
        }

        void OnDiagnostic(string message)
        {
            lock (gate)
            {
                diagnostics[message] = diagnostics.GetValueOrDefault(message) + 1;
            }
        }

        // A few at a time, as tabs being opened: all at once would measure the app's start-up queue, not the dashboards.
        var clients = new List<BlazorCircuitClient>();
        var failures = new List<string>();
        var opening = System.Diagnostics.Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await slots.WaitAsync();
            try
            {
                var client = await BlazorCircuitClient.StartAsync(page, OnAppend, OnDiagnostic);
                lock (gate)
                {
                    clients.Add(client);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TimeoutException or IOException)
            {
                lock (gate)
                {
                    failures.Add(ex.Message);
                }
            }
            finally
            {
                slots.Release();
            }
        }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Opened {clients.Count} of {count} circuits in {opening.Elapsed.TotalSeconds:0.0} s"));
        foreach (var failure in failures.Distinct())
        {
            Console.WriteLine($"  failed to open: {failure}");
        }

        // The charts are created after the first render (module import, then create): let every page get there first.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var appendsBefore = clients.Sum(c => c.AppendCalls);
        var batchesBefore = clients.Sum(c => c.RenderBatches);
        lock (gate)
        {
            measuring = true;
        }

        await Task.Delay(window);
        long[] samples;
        lock (gate)
        {
            measuring = false;
            samples = [.. latencies.Order()];
        }

        var alive = clients.Count(c => c.IsAlive);
        var appends = clients.Sum(c => c.AppendCalls) - appendsBefore;
        var batches = clients.Sum(c => c.RenderBatches) - batchesBefore;
        long At(double q) => samples.Length == 0 ? 0 : samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(q * samples.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{alive} of {count} circuits alive after {window.TotalSeconds:0} s; {appends} append calls ({appends / window.TotalSeconds / Math.Max(1, alive):0.00}/s per circuit), {batches} render batches, {clients.Sum(c => c.InteropCalls)} interop calls in all"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"arrival latency (new seconds, n={samples.Length}): p50 {At(0.50)} ms, p99 {At(0.99)} ms, max {(samples.Length == 0 ? 0 : samples[^1])} ms"));
        foreach (var dead in clients.Where(c => !c.IsAlive).Select(c => c.Failure).Distinct())
        {
            Console.WriteLine($"  not alive: {dead}");
        }

        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        foreach (var (message, times) in diagnostics.OrderByDescending(d => d.Value))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {times}× {message}"));
        }
    }

    private static DashboardLoadDriver.Options DashboardArguments(string[] args)
    {
        string? Named(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Number(string name, int fallback) => Named(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
        var counts = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal)
            ? args[1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList()
            : [1, 50, 200];
        if (counts.Any(c => c is < 1 or > 1000) || !counts.SequenceEqual(counts.Order()))
        {
            throw new ArgumentException("--dashboards [ascending circuit counts 1–1000, comma-separated]");
        }

        return new DashboardLoadDriver.Options(
            counts,
            RealTabs: Number("--real", 10),
            CompareCircuits: Number("--compare", 50),
            CompareRounds: Number("--rounds", 2),
            Settle: TimeSpan.FromSeconds(Number("--settle", 15)),
            Window: TimeSpan.FromSeconds(Number("--window", 30)),
            Port: Number("--port", 5185),
            PublishedApp: Named("--app"),
            DumpFolder: Named("--dumps"));
    }
}
