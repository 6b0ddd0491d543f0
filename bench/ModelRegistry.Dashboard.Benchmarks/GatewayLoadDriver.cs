using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// Gateway overhead (issue 11). One fast fake model server on loopback (<see cref="BenchOpenAIBackend"/>) and four
/// paths to it, all in this process and on loopback, measured in slices taken path after path (<see cref="Slices"/>):
/// <list type="number">
/// <item><b>direct</b> — <c>POST {backend}/v1/chat/completions</c>;</item>
/// <item><b>bare YARP</b> — a minimal separate <c>WebApplication</c> with only <c>app.MapForwarder("/v1/{**catch-all}", backend)</c>,
/// logging at Warning like the app; and the same with no logger at all (<see cref="StartBareYarpAsync"/>);</item>
/// <item><b>gateway</b> — the real app (<see cref="BenchApp"/>: Production, warnings-only logging, demo off, its own
/// SQLite file) at <c>/gateway/staging/v1/chat/completions</c>, with an API key as <c>Authorization: Bearer</c>, the model
/// registered with one version whose endpoint is the backend, deployed direct to staging.</item>
/// </list>
/// Per round and path: latency at one connection (sequential requests), throughput at each concurrency, and streaming
/// time to first byte of the event stream at one connection. The same request bytes and the same client settings on
/// every path (one <see cref="HttpClient"/> per path, <see cref="SocketsHttpHandler"/> sized to the largest concurrency).
/// Clients, servers and backend share the machine's cores, so throughput is compared as a ratio within the round.
/// </summary>
internal static class GatewayLoadDriver
{
    private const string Model = "bench-chat";
    private const string Version = "1.0.0";
    private const string Environment = "staging";
    private const string ApiKey = "bench-gateway-key-0123456789";
    private const string Direct = "direct";
    private const string BareYarp = "bare YARP";
    private const string BareYarpSilent = "bare YARP, no logging";
    private const string Gateway = "gateway";

    private static readonly byte[] ChatBody = Encoding.UTF8.GetBytes(
        """{"model":"bench-chat","messages":[{"role":"system","content":"You are a helpful support agent."},{"role":"user","content":"Where is my order?"}],"max_tokens":64}""");

    private static readonly byte[] StreamBody = Encoding.UTF8.GetBytes(
        """{"model":"bench-chat","messages":[{"role":"system","content":"You are a helpful support agent."},{"role":"user","content":"Where is my order?"}],"max_tokens":64,"stream":true,"stream_options":{"include_usage":true}}""");

    /// <param name="Soak">
    /// When set (<c>direct</c>, <c>bare YARP</c>, <c>gateway</c>, or several of them joined by <c>+</c>), only those paths are
    /// driven, at the largest concurrency, for <paramref name="Duration"/> each in slices taken in rotation after the
    /// warm-up — a steady load to attach a profiler to (<c>perf record</c>, <c>dotnet-trace</c>), or an A/B of two paths.
    /// </param>
    public sealed record Options(TimeSpan Duration, IReadOnlyList<int> Concurrency, int Rounds, string? Soak = null, bool SampleAllocations = false);

    private sealed record Leg(string Name, HttpClient Client, string Url);

    /// <summary>
    /// What a path did: requests, the time they took, their latencies (for streams: to the first chunk) and, for streams,
    /// to the end; and the CPU time this process spent meanwhile (clients, backend and proxies all run in it).
    /// </summary>
    private sealed record Run(long Requests, double Seconds, List<double> Latencies, List<double> Totals, double CpuSeconds = 0, long AllocatedBytes = 0)
    {
        public double PerSecond => Requests / Seconds;

        /// <summary>CPU time of the whole loop (client + proxy + backend) per request, in microseconds.</summary>
        public double CpuMicrosecondsPerRequest => CpuSeconds * 1e6 / Requests;

        public static Run Merge(IReadOnlyList<Run> slices)
        {
            var latencies = slices.SelectMany(s => s.Latencies).ToList();
            var totals = slices.SelectMany(s => s.Totals).ToList();
            latencies.Sort();
            totals.Sort();
            return new Run(slices.Sum(s => s.Requests), slices.Sum(s => s.Seconds), latencies, totals, slices.Sum(s => s.CpuSeconds), slices.Sum(s => s.AllocatedBytes));
        }
    }

    /// <summary>Slices of each measurement, taken path after path in rotation, so a change in the machine's load hits every path alike.</summary>
    private const int Slices = 5;

    public static async Task RunAsync(Options options)
    {
        await using var backend = await BenchOpenAIBackend.StartAsync();
        await using var yarp = await StartBareYarpAsync(backend.Address, logging: true);
        await using var silentYarp = await StartBareYarpAsync(backend.Address, logging: false);
        await using var app = new BenchApp(new Dictionary<string, string>
        {
            ["Demo:Enabled"] = "false",
            ["Registry:EndpointAllowList:0"] = "127.0.0.1", // the fake backend listens on loopback: allowed, as an operator would for a local model server
            ["Auth:ApiKeys:0:Name"] = "bench",
            ["Auth:ApiKeys:0:Key"] = ApiKey,
            ["Auth:ApiKeys:0:Role"] = "Automation",
        });
        await RegisterAndDeployAsync(app.Address, backend.Address);

        var maxConcurrency = options.Concurrency.Max();
        Leg[] paths =
        [
            new(Direct, Client(backend.Address, maxConcurrency), "v1/chat/completions"),
            new(BareYarpSilent, Client(BenchOpenAIBackend.ListeningAddress(silentYarp), maxConcurrency), "v1/chat/completions"),
            new(BareYarp, Client(BenchOpenAIBackend.ListeningAddress(yarp), maxConcurrency), "v1/chat/completions"),
            new(Gateway, Client(app.Address, maxConcurrency), $"gateway/{Environment}/v1/chat/completions"),
        ];
        try
        {
            await CheckGatewayAnswersAsync(paths.Single(p => p.Name == Gateway));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backend {backend.Address}, bare YARP {BenchOpenAIBackend.ListeningAddress(yarp)} and {BenchOpenAIBackend.ListeningAddress(silentYarp)}, app {app.Address}; {System.Environment.ProcessorCount} cores shared by backend, proxies and clients; load average {LoadAverage()}; {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{options.Rounds} rounds; per round and path, in {Slices} slices taken path after path: {options.Duration.TotalSeconds:0} s at 1 connection, {options.Duration.TotalSeconds:0} s at each of {string.Join('/', options.Concurrency)} connections, {options.Duration.TotalSeconds:0} s of streams at 1 connection (backend gap after the first chunk {BenchOpenAIBackend.StreamGap.TotalMilliseconds:0} ms). Request body {ChatBody.Length} bytes, streaming body {StreamBody.Length} bytes."));

            // Warm-up: JIT tiers, connection pools (the clients' and both proxies' upstream pools), the route table.
            foreach (var path in options.Soak is null ? paths : paths.Where(p => options.Soak.Split('+').Contains(p.Name)))
            {
                foreach (var concurrency in options.Concurrency)
                {
                    await DriveAsync(path, concurrency, TimeSpan.FromSeconds(2));
                }

                await StreamAsync(path, TimeSpan.FromSeconds(2));
            }

            if (options.Soak is not null)
            {
                var soaked = options.Soak.Split('+').Select(name => paths.Single(p => p.Name == name)).ToList();
                using var allocations = options.SampleAllocations ? new AllocationSampler() : null;
                var allocated = GC.GetTotalAllocatedBytes();
                var runs = await InterleavedAsync(soaked, options.Duration, (path, slice) => DriveAsync(path, maxConcurrency, slice));
                allocated = GC.GetTotalAllocatedBytes() - allocated;
                foreach (var (name, soak) in runs)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name}, {maxConcurrency} connections, {soak.Seconds:0} s: {soak.PerSecond:N0} requests/s ({soak.PerSecond / runs[soaked[0].Name].PerSecond:0.00}× {soaked[0].Name}), {soak.CpuMicrosecondsPerRequest:0} µs of CPU and {soak.AllocatedBytes / soak.Requests:N0} bytes allocated per request (whole loop)."));
                }

                if (allocations is not null)
                {
                    var requests = runs.Values.Sum(r => r.Requests);
                    Console.WriteLine("Allocated types, sampled (the runtime's AllocationTick, one event per ~100 KB), bytes per request over all soaked paths:");
                    foreach (var (type, bytes) in allocations.Top(40))
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / requests,10:N1}  {type}"));
                    }
                }

                return;
            }

            var latency = new List<string>();
            var throughput = new List<string>();
            var streaming = new List<string>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: load average {LoadAverage()}"));
                var sequential = await InterleavedAsync(paths, options.Duration, (path, slice) => DriveAsync(path, 1, slice));

                var directP50 = Rank(sequential[Direct].Latencies, 0.5);
                foreach (var path in paths)
                {
                    var run = sequential[path.Name];
                    latency.Add(string.Create(CultureInfo.InvariantCulture,
                        $"| {round} | {path.Name} | {run.Requests:N0} | {Rank(run.Latencies, 0.5):0.000} | {Rank(run.Latencies, 0.99):0.000} | {Added(Rank(run.Latencies, 0.5), directP50)} |"));
                }

                foreach (var concurrency in options.Concurrency)
                {
                    var runs = await InterleavedAsync(paths, options.Duration, (path, slice) => DriveAsync(path, concurrency, slice));

                    foreach (var path in paths)
                    {
                        var run = runs[path.Name];
                        throughput.Add(string.Create(CultureInfo.InvariantCulture,
                            $"| {round} | {concurrency} | {path.Name} | {run.PerSecond:N0} | {Rank(run.Latencies, 0.5):0.00} | {Rank(run.Latencies, 0.99):0.00} | {run.PerSecond / runs[Direct].PerSecond:0.00}× | {run.PerSecond / runs[BareYarpSilent].PerSecond:0.00}× | {run.PerSecond / runs[BareYarp].PerSecond:0.00}× | {run.CpuMicrosecondsPerRequest:0} |"));
                    }
                }

                var streams = await InterleavedAsync(paths, options.Duration, StreamAsync);
                var directFirst = Rank(streams[Direct].Latencies, 0.5);
                foreach (var path in paths)
                {
                    var (first, total) = (streams[path.Name].Latencies, streams[path.Name].Totals);
                    streaming.Add(string.Create(CultureInfo.InvariantCulture,
                        $"| {round} | {path.Name} | {first.Count:N0} | {Rank(first, 0.5):0.000} | {Rank(first, 0.99):0.000} | {Added(Rank(first, 0.5), directFirst)} | {Rank(total, 0.5):0.00} |"));
                }
            }

            Console.WriteLine();
            Console.WriteLine("Latency, 1 connection, sequential requests (ms):");
            Console.WriteLine();
            Console.WriteLine("| round | path | requests | p50 ms | p99 ms | added p50 vs direct |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|");
            latency.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine("Throughput at fixed concurrency:");
            Console.WriteLine();
            Console.WriteLine("| round | connections | path | requests/s | p50 ms | p99 ms | vs direct | vs bare YARP, no logging | vs bare YARP | CPU µs per request (whole loop) |");
            Console.WriteLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            throughput.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine("Streaming, 1 connection: time to the first byte of the event stream (first chunk), and to [DONE]:");
            Console.WriteLine();
            Console.WriteLine("| round | path | streams | first chunk p50 ms | p99 ms | added p50 vs direct | whole stream p50 ms |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
            streaming.ForEach(Console.WriteLine);
        }
        finally
        {
            foreach (var path in paths)
            {
                path.Client.Dispose();
            }
        }
    }

    /// <summary>
    /// The baseline proxy: nothing but YARP's direct forwarder on a catch-all route, in a default <c>WebApplication</c>.
    /// With <paramref name="logging"/>, its default providers at Warning, as the app logs; without, no logger at all.
    /// (Any enabled logger makes ASP.NET Core's hosting start an activity and a log scope per request, which the app
    /// pays: the first is the like-for-like baseline, the second shows what that costs.)
    /// </summary>
    private static async Task<WebApplication> StartBareYarpAsync(Uri backend, bool logging)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (logging)
        {
            // Over the app's appsettings.json, which the build copies beside this program (Default: Information).
            builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        }
        else
        {
            builder.Logging.ClearProviders();
        }
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        app.MapForwarder("/v1/{**catch-all}", backend.ToString().TrimEnd('/'));
        await app.StartAsync();
        return app;
    }

    /// <summary>The model, one version served by the backend, and a direct deployment to staging that routes 100% to it.</summary>
    private static async Task RegisterAndDeployAsync(Uri app, Uri backend)
    {
        using var setup = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(10) };
        await DriverHttp.WaitUntilServingAsync(setup);
        await DriverHttp.ExpectAsync(await setup.PostAsJsonAsync("/api/v1/models", new { name = Model }), HttpStatusCode.Created);
        await DriverHttp.ExpectAsync(await setup.PostAsJsonAsync($"/api/v1/models/{Model}/versions", new { version = Version, endpoint = backend.ToString() }), HttpStatusCode.Created);
        await DriverHttp.ExpectAsync(await setup.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = Model,
            version = Version,
            environment = Environment,
            strategy = "direct",
            reason = "gateway benchmark",
        }), HttpStatusCode.Created);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var route = await setup.GetAsync($"/api/v1/environments/{Environment}/routes/{Model}");
            if (route.IsSuccessStatusCode)
            {
                var splits = (await route.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("splits");
                if (splits.EnumerateArray().Any(s => s.GetProperty("version").GetString() == Version && s.GetProperty("weight").GetInt32() == 100))
                {
                    return;
                }
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"The direct deployment of {Model} {Version} did not route 100% to it within 60 s.");
            }

            await Task.Delay(100);
        }
    }

    private static async Task CheckGatewayAnswersAsync(Leg gateway)
    {
        using var response = await SendAsync(gateway, ChatBody, HttpCompletionOption.ResponseContentRead);
        await DriverHttp.ExpectAsync(response, HttpStatusCode.OK);
        if (!response.Headers.TryGetValues("X-Model-Version", out var versions) || versions.Single() != Version)
        {
            throw new InvalidOperationException("The gateway's answer does not name the routed version in X-Model-Version.");
        }
    }

    private static async Task<Dictionary<string, Run>> InterleavedAsync(IReadOnlyList<Leg> paths, TimeSpan duration, Func<Leg, TimeSpan, Task<Run>> measure)
    {
        var slices = paths.ToDictionary(p => p.Name, _ => new List<Run>());
        for (var i = 0; i < Slices; i++)
        {
            foreach (var path in paths)
            {
                slices[path.Name].Add(await measure(path, duration / Slices));
            }
        }

        return slices.ToDictionary(s => s.Key, s => Run.Merge(s.Value));
    }

    /// <summary><paramref name="concurrency"/> loops sending chat completions back to back for <paramref name="duration"/>.</summary>
    private static async Task<Run> DriveAsync(Leg path, int concurrency, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(64 * 1024);
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await SendAsync(path, ChatBody, HttpCompletionOption.ResponseContentRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{path.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return latencies;
        })).ToArray();
        stop.CancelAfter(duration);
        var done = await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var all = done.SelectMany(l => l).ToList();
        return new Run(all.Count, seconds, all, [], cpuSeconds, GC.GetTotalAllocatedBytes() - allocated);
    }

    /// <summary>
    /// Streams one after the other for <paramref name="duration"/>: per stream, the time from sending to the first body
    /// bytes read (the first <c>data:</c> chunk; the response headers arrive with it) and to the end of the stream.
    /// </summary>
    private static async Task<Run> StreamAsync(Leg path, TimeSpan duration)
    {
        var first = new List<double>(4096);
        var total = new List<double>(4096);
        var buffer = new byte[16 * 1024];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await SendAsync(path, StreamBody, HttpCompletionOption.ResponseHeadersRead);
            await DriverHttp.ExpectAsync(response, HttpStatusCode.OK);
            await using var body = await response.Content.ReadAsStreamAsync();
            var read = await body.ReadAsync(buffer);
            first.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (read < 6 || !buffer.AsSpan(0, 6).SequenceEqual("data: "u8))
            {
                throw new InvalidOperationException($"{path.Name}: the stream does not start with an event.");
            }

            var last = Array.Empty<byte>();
            while (read > 0)
            {
                last = buffer[..read];
                read = await body.ReadAsync(buffer);
            }

            total.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!Encoding.UTF8.GetString(last).Contains("[DONE]", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{path.Name}: the stream did not end with [DONE].");
            }
        }

        return new Run(first.Count, clock.Elapsed.TotalSeconds, first, total);
    }

    private static Task<HttpResponseMessage> SendAsync(Leg path, byte[] body, HttpCompletionOption completion)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return path.Client.SendAsync(request, completion);
    }

    /// <summary>One client per path: the same pool settings everywhere, the key sent on every path (only the gateway reads it).</summary>
    private static HttpClient Client(Uri address, int connections)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    private static string Added(double p50, double directP50) =>
        string.Create(CultureInfo.InvariantCulture, $"{(p50 - directP50 >= 0 ? "+" : "−")}{Math.Abs(p50 - directP50):0.000} ms");

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    private static double Rank(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}

/// <summary>The runtime's allocation sampling (<c>GCAllocationTick</c>: one event per ~100 KB allocated) summed by type, for the soak mode.</summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = [];

    public IEnumerable<(string Type, long Bytes)> Top(int count)
    {
        lock (_bytes)
        {
            return _bytes.OrderByDescending(b => b.Value).Take(count).Select(b => (b.Key, b.Value)).ToList();
        }
    }

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1 /* GC */);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var size = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        lock (_bytes)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + size;
        }
    }
}
