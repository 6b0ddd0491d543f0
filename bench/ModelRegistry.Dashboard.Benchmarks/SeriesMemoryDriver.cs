using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// What a live series costs in memory, and the app's RSS with the store filled to <c>Telemetry:MaxLiveSeries</c>.
/// A series is "filled" when every one of its one-second buckets and ten-second blocks holds data, as after a quarter of
/// an hour of steady traffic: the driver records one event per series per second for 1,000 seconds of a stepped clock.
/// </summary>
internal static class SeriesMemoryDriver
{
    private const int FilledSeconds = 1000;

    private static readonly DateTimeOffset Start = new(2031, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(int? series)
    {
        var count = series ?? new TelemetryOptions().MaxLiveSeries;
        Console.WriteLine($"series: {count:N0}; filled = one event per series per second for {FilledSeconds:N0} s");
        // 2. The app as shipped (BenchApp: Production, SQLite, rollup writer flushing every 2 s) on the stepped clock.
        var appClock = new SteppedClock(Start);
        await using var app = new BenchApp(
            new Dictionary<string, string> { ["Telemetry:MaxLiveSeries"] = count.ToString(CultureInfo.InvariantCulture) },
            services => services.AddSingleton<TimeProvider>(appClock));
        var appStore = app.Services.GetRequiredService<MetricsStore>();
        if (!ReferenceEquals(app.Services.GetRequiredService<TimeProvider>(), appClock))
        {
            throw new InvalidOperationException("The app's store does not run on the driver's clock.");
        }

        var cap = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.MaxLiveSeries;
        Report("app started, store empty", 0);
        Fill(appStore, appClock, count, FilledSeconds);
        await Task.Delay(TimeSpan.FromSeconds(5)); // two flushes of the rollup writer over the filled store
        Report($"app, store filled ({appStore.LiveSeriesCount:N0} series, cap {cap:N0})", appStore.LiveSeriesCount);
    }

    /// <summary>After the app (whose RSS would otherwise include memory the store alone once took).</summary>
    public static void RunStoreAlone(int? series)
    {
        var count = series ?? new TelemetryOptions().MaxLiveSeries;
        MeasureStoreAlone(count, 1);
        MeasureStoreAlone(count, FilledSeconds);
    }

    /// <summary>The store alone: managed heap after a forced full collection, before and after (not async: no
    /// state machine may keep the store alive afterwards).</summary>
    private static void MeasureStoreAlone(int count, int seconds)
    {
        var clock = new SteppedClock(Start);
        var before = Heap();
        var store = new MetricsStore(clock);
        Fill(store, clock, count, seconds);
        var after = Heap();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store alone, {seconds,4} s of traffic: {(after - before) / 1024.0 / 1024:N1} MiB managed heap, {(after - before) / count / 1024.0:N1} KiB per series"));
        GC.KeepAlive(store);
    }

    private static void Fill(MetricsStore store, SteppedClock clock, int count, int seconds)
    {
        var keys = Enumerable.Range(0, count).Select(i => new SeriesKey($"env-{i % 3}", $"model-{i / 30}", $"{i % 10}.{i / 10 % 10}.0")).ToArray();
        var random = new Random(7);
        for (var second = 0; second < seconds; second++)
        {
            foreach (var key in keys)
            {
                store.Record(new MetricEvent(key, default, 20 + (random.NextDouble() * 2000), random.Next(50) != 0, 300, 120));
            }

            clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static void Report(string what, int series)
    {
        var heap = Heap();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: RSS {process.WorkingSet64 / 1024.0 / 1024:N0} MiB, managed heap {heap / 1024.0 / 1024:N0} MiB{(series > 0 ? $" ({heap / series / 1024.0:N0} KiB per series, all included)" : "")}"));
    }

    /// <summary>A clock that moves only when told to; timers still run on real time.</summary>
    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
