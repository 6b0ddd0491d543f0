using System.Globalization;
using BenchmarkDotNet.Running;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>Not top-level statements: those would declare a second <c>Program</c>, hiding the app's.</summary>
internal static class BenchmarkEntry
{
    /// <summary><c>--load [seconds] [clients]</c> runs the HTTP ingest load driver; anything else goes to BenchmarkDotNet.</summary>
    public static async Task Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--load")
        {
            var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
            var clients = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
            await IngestLoadDriver.RunAsync(TimeSpan.FromSeconds(seconds), clients);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(RecordBenchmarks).Assembly).Run(args);
    }
}
