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
    /// the open-dashboards driver; <c>--gateway [seconds] [connections[,connections…]] [rounds]</c> the gateway overhead driver (<c>--soak direct|'bare YARP'|gateway[+…] [--allocations]</c>: only those paths, in rotation, a steady load for a profiler or an A/B)
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

        if (args.Length > 0 && args[0] == "--dashboards")
        {
            await DashboardLoadDriver.RunAsync(DashboardArguments(args));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(RecordBenchmarks).Assembly).Run(args);
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
