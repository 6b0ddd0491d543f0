using System.Diagnostics;
using System.Globalization;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// Open dashboards against the app running as its own process (published, Production, demo traffic flowing): push
/// latency in the browser, server memory per circuit, and server CPU per dashboard against the Metrics page's table
/// path measured in the same run.
/// </summary>
internal static class DashboardLoadDriver
{
    /// <summary>The dashboard with a live chart: requests/s per version from the shared live feed, plus the page's table.</summary>
    private const string Dashboard = "/live-metrics";

    /// <summary>Dashboards per tab when they are held as frames.</summary>
    private const int FramesPerTab = 10;

    public sealed record Options(IReadOnlyList<int> Counts, int RealTabs, int CompareCircuits, int CompareRounds, TimeSpan Settle, TimeSpan Window, int Port, string? PublishedApp, string? DumpFolder);

    public static async Task RunAsync(Options options)
    {
        var published = options.PublishedApp ?? Path.Combine(Path.GetTempPath(), "modelregistry-bench-app");
        if (options.PublishedApp is null)
        {
            Console.WriteLine($"Publishing the app (Release) into {published} …");
            await AppProcess.PublishAsync(published);
        }

        // The dashboards are opened without signing in: the anonymous actor, as a Viewer (Production's default is no anonymous access).
        await using var app = await AppProcess.StartAsync(published, options.Port, new Dictionary<string, string>
        {
            ["Auth:Anonymous:Enabled"] = "true",
            ["Auth:Anonymous:Role"] = "Viewer",
        });
        Console.WriteLine($"App pid {app.Pid} at {app.Address}; machine: {Environment.ProcessorCount} cores, load {LoadAverage()}");
        await using var browser = await DashboardBrowser.LaunchAsync(app.Address);
        try
        {
            await MeasureAsync(app, browser, options);
        }
        catch
        {
            Console.WriteLine("App log tail:\n" + app.LogTail());
            throw;
        }
    }

    private static async Task MeasureAsync(AppProcess app, DashboardBrowser browser, Options options)
    {
        // Warm-up: JIT, the first render of every component, the module import; then back to no circuit at all.
        await browser.OpenAsync(Dashboard, 1, ChartDrawing.Real);
        await browser.OpenAsync(Dashboard, 2, ChartDrawing.Stub);
        await browser.OpenAsync(Dashboard, 2, ChartDrawing.Failing);
        await Task.Delay(options.Settle);
        await browser.CloseAllAsync();
        await Task.Delay(options.Settle);

        var baseHeap = await app.LiveHeapBytesAsync(DumpPath(options, "0"));
        var baseRss = app.ResidentBytes();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var idle = await CpuWindowAsync(app, browser, options.Window);
        Console.WriteLine($"0 circuits: live heap {Mib(baseHeap)}, RSS {Mib(baseRss)}, app CPU {idle.AppMsPerSecond:0.0} ms/s (demo traffic, feed, rollups)");
        Console.WriteLine();
        Console.WriteLine("| circuits | real tabs | live heap | per circuit | per added circuit | RSS | per circuit | app CPU ms/s | per dashboard ms/s | browser CPU ms/s | machine busy | latency drawn p50 / p99 / max (n) | latency arrived (stub frames) p50 / p99 / max (n) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        var (previousCount, previousHeap) = (0, baseHeap);
        foreach (var count in options.Counts)
        {
            await GrowToAsync(browser, count, options.RealTabs);
            await Task.Delay(options.Settle);
            var heap = await app.LiveHeapBytesAsync(DumpPath(options, count.ToString(CultureInfo.InvariantCulture)));
            var rss = app.ResidentBytes();
            await Task.Delay(TimeSpan.FromSeconds(3));
            await browser.ClearLatenciesAsync();
            var cpu = await CpuWindowAsync(app, browser, options.Window);
            var drawn = await browser.LatenciesAsync(ChartDrawing.Real);
            var arrived = await browser.LatenciesAsync(ChartDrawing.Stub);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {count} | {Math.Min(count, options.RealTabs)} | {Mib(heap)} | {Kib((heap - baseHeap) / count)} | {Kib((heap - previousHeap) / (count - previousCount))} | {Mib(rss)} | {Kib((rss - baseRss) / count)} | {cpu.AppMsPerSecond:0.0} | {(cpu.AppMsPerSecond - idle.AppMsPerSecond) / count:0.000} | {cpu.BrowserMsPerSecond:0} | {cpu.MachineBusy:P0} | {Percentiles(drawn)} | {Percentiles(arrived)} |"));
            (previousCount, previousHeap) = (count, heap);
        }

        // The store's one-second buckets and the feed's 15-minute ring fill with time while demo traffic flows, so the
        // heap also grows between rows without any circuit; what the circuits held is what closing them gives back.
        var held = await app.LiveHeapBytesAsync();
        var heldRss = app.ResidentBytes();
        await browser.CloseAllAsync();

        // A closed page's circuit is not always ended by the browser's disconnect beacon (frames unloading with their
        // tab may not send one); the server then keeps it as a disconnected circuit for its retention period (3 min by
        // default). Measure only once every circuit is gone, or it is the circuits' memory that is still counted.
        var closing = Stopwatch.StartNew();
        await Task.Delay(options.Settle);
        var (closed, alive) = await app.LiveHeapAsync();
        while (alive > 0 && closing.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(TimeSpan.FromSeconds(20));
            (closed, alive) = await app.LiveHeapAsync();
        }

        closed = (await app.LiveHeapAsync(DumpPath(options, "closed"))).Bytes;
        var last = options.Counts[^1];
        Console.WriteLine();
        Console.WriteLine($"Closing the {last} circuits gave back {Mib(held - closed)} of live heap: {Kib((held - closed) / last)} per circuit (RSS {Mib(heldRss)} → {Mib(app.ResidentBytes())}); circuits still alive when measured: {alive}, {closing.Elapsed.TotalSeconds:0} s after closing.");
        await CompareWithTableAsync(app, browser, options);
    }

    /// <summary>
    /// The same page with its chart pushed (stand-in drawing) and with its chart failing to create (only the table path
    /// left: a database read of the routes and a 60-s summary per series, re-rendered every second), in alternating
    /// rounds, each against the app with no circuit measured just before.
    /// </summary>
    private static async Task CompareWithTableAsync(AppProcess app, DashboardBrowser browser, Options options)
    {
        var n = options.CompareCircuits;
        Console.WriteLine();
        Console.WriteLine($"CPU per dashboard, {n} circuits each, {options.Window.TotalSeconds:0} s windows:");
        Console.WriteLine();
        Console.WriteLine("| round | idle app CPU ms/s | chart + table: app CPU ms/s | per dashboard ms/s | table only: app CPU ms/s | per dashboard ms/s | chart push per dashboard ms/s (difference) | chart push / table |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var round = 1; round <= options.CompareRounds; round++)
        {
            var idle = await CpuWindowAsync(app, browser, options.Window);
            var both = await WithCircuitsAsync(app, browser, n, ChartDrawing.Stub, options);
            var table = await WithCircuitsAsync(app, browser, n, ChartDrawing.Failing, options);
            var perBoth = (both.AppMsPerSecond - idle.AppMsPerSecond) / n;
            var perTable = (table.AppMsPerSecond - idle.AppMsPerSecond) / n;
            var push = perBoth - perTable;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {round} | {idle.AppMsPerSecond:0.0} | {both.AppMsPerSecond:0.0} | {perBoth:0.000} | {table.AppMsPerSecond:0.0} | {perTable:0.000} | {push:0.000} | {push / perTable:0.00}× |"));
        }
    }

    private static async Task<CpuWindow> WithCircuitsAsync(AppProcess app, DashboardBrowser browser, int count, ChartDrawing drawing, Options options)
    {
        for (var opened = 0; opened < count; opened += FramesPerTab)
        {
            await browser.OpenAsync(Dashboard, Math.Min(FramesPerTab, count - opened), drawing);
        }

        await Task.Delay(options.Settle);
        var cpu = await CpuWindowAsync(app, browser, options.Window);
        await browser.CloseAllAsync();
        await Task.Delay(options.Settle);
        return cpu;
    }

    /// <summary>Opens dashboards until <paramref name="count"/> are open: real tabs first (up to <paramref name="realTabs"/>), the rest as stand-in frames.</summary>
    private static async Task GrowToAsync(DashboardBrowser browser, int count, int realTabs)
    {
        while (browser.RealTabs < Math.Min(count, realTabs))
        {
            await browser.OpenAsync(Dashboard, 1, ChartDrawing.Real);
        }

        while (browser.Circuits < count)
        {
            await browser.OpenAsync(Dashboard, Math.Min(FramesPerTab, count - browser.Circuits), ChartDrawing.Stub);
        }
    }

    private static async Task<CpuWindow> CpuWindowAsync(AppProcess app, DashboardBrowser browser, TimeSpan window)
    {
        var self = Environment.ProcessId;
        var (app0, browser0, machine0) = (app.CpuTime(), ProcStat.DescendantsCpuTime(self, app.Pid), ProcStat.MachineBusyTime());
        var started = DateTime.UtcNow;
        await Task.Delay(window);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        var (app1, browser1, machine1) = (app.CpuTime(), ProcStat.DescendantsCpuTime(self, app.Pid), ProcStat.MachineBusyTime());
        return new CpuWindow(
            (app1 - app0).TotalMilliseconds / seconds,
            Math.Max(0, (browser1 - browser0).TotalMilliseconds) / seconds,
            (machine1 - machine0).TotalSeconds / seconds / Environment.ProcessorCount);
    }

    private static string? DumpPath(Options options, string circuits) =>
        options.DumpFolder is { } folder ? Path.Combine(folder, $"circuits-{circuits}.gcdump") : null;

    private static string Percentiles(List<double> samples)
    {
        if (samples.Count == 0)
        {
            return "–";
        }

        samples.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"{Rank(samples, 0.50):0} / {Rank(samples, 0.99):0} / {samples[^1]:0} ms ({samples.Count})");
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    private static double Rank(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");

    private static string Kib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0} KiB");

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private sealed record CpuWindow(double AppMsPerSecond, double BrowserMsPerSecond, double MachineBusy);
}
