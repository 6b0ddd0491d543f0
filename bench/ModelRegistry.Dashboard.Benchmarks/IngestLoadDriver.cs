using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// Starts the real app on Kestrel (loopback, a free port) and posts 100-event batches from N concurrent HttpClients for
/// a fixed time, against three endpoints of the same process, one after the other, in two interleaved rounds:
/// <list type="number">
/// <item><c>/bench/discard</c> — the baseline: a middleware ahead of the app's pipeline that reads the body to its end and answers 202;</item>
/// <item><c>/bench/parse</c> — the same, and it also parses the buffered body into <see cref="MetricEventBatch"/> (what JSON alone costs);</item>
/// <item><c>/api/v1/metrics/events</c> — the real endpoint: pipeline, authentication, parsing, validation and recording.</item>
/// </list>
/// Server and clients share the machine's cores, so every figure is a ratio against the baseline of the same round.
/// </summary>
internal static class IngestLoadDriver
{
    private const int BatchSize = 100;
    private const string Model = "bench-chat";

    private static long _acceptedByEndpoint;

    public static async Task RunAsync(TimeSpan duration, int clients)
    {
        // The app with demo data off, plus the two comparison endpoints in front of it.
        await using var app = new BenchApp(new Dictionary<string, string> { ["Demo:Enabled"] = "false" },
            services => services.AddTransient<IStartupFilter, ComparisonEndpoints>());
        var address = app.Address;
        Console.WriteLine($"App on {address}; {clients} clients × {BatchSize}-event batches ({Payload(0).Length:N0} bytes), {duration.TotalSeconds:0} s per endpoint and round, {Environment.ProcessorCount} cores shared by server and clients.");

        using (var setup = new HttpClient { BaseAddress = address })
        {
            await DriverHttp.WaitUntilServingAsync(setup);
            await DriverHttp.ExpectAsync(await setup.PostAsJsonAsync("/api/v1/models", new { name = Model }), HttpStatusCode.Created);
            foreach (var version in new[] { "1.0.0", "1.1.0" })
            {
                await DriverHttp.ExpectAsync(await setup.PostAsJsonAsync($"/api/v1/models/{Model}/versions", new { version, endpoint = $"https://models.example.com/{version}/" }), HttpStatusCode.Created);
            }
        }

        var payloads = Enumerable.Range(0, 16).Select(Payload).ToArray();
        (string Name, string Path)[] endpoints =
        [
            ("baseline: read and discard the body", "/bench/discard"),
            ("parse the JSON, then discard", "/bench/parse"),
            ("POST /api/v1/metrics/events", "/api/v1/metrics/events"),
        ];
        foreach (var (_, path) in endpoints)
        {
            await DriveAsync(address, path, payloads, clients, TimeSpan.FromSeconds(3)); // warm-up: JIT tiers, connections
        }

        Console.WriteLine();
        Console.WriteLine("| round | endpoint | events/s | requests/s | p50 ms | p99 ms | vs baseline |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        for (var round = 1; round <= 2; round++)
        {
            double baseline = 0;
            foreach (var (name, path) in endpoints)
            {
                var run = await DriveAsync(address, path, payloads, clients, duration);
                var eventsPerSecond = run.Events / run.Seconds;
                baseline = baseline == 0 ? eventsPerSecond : baseline;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {name} | {eventsPerSecond:N0} | {eventsPerSecond / BatchSize:N0} | {run.P50Ms:0.00} | {run.P99Ms:0.00} | {eventsPerSecond / baseline:0.00}× |"));
            }
        }

        // The store must hold every event the real endpoint accepted (warm-up included): nothing dropped.
        var store = app.Services.GetRequiredService<MetricsStore>();
        var recorded = store.Summarize(new SeriesKey("staging", Model, "1.0.0"), TimeSpan.FromMinutes(15)).Requests
            + store.Summarize(new SeriesKey("staging", Model, "1.1.0"), TimeSpan.FromMinutes(15)).Requests;
        Console.WriteLine();
        Console.WriteLine($"Events recorded by the store (15-min window, warm-up included): {recorded:N0}; accepted by the endpoint: {Interlocked.Read(ref _acceptedByEndpoint):N0}");
    }

    private static async Task<(long Events, double Seconds, double P50Ms, double P99Ms)> DriveAsync(Uri address, string path, byte[][] payloads, int clients, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var workers = new Task<(long Events, List<double> Latencies)>[clients];
        var clock = Stopwatch.StartNew();
        for (var c = 0; c < clients; c++)
        {
            var offset = c;
            workers[c] = Task.Run(async () =>
            {
                using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = address };
                var latencies = new List<double>(100_000);
                long events = 0;
                for (var i = offset; !stop.IsCancellationRequested; i++)
                {
                    using var content = new ByteArrayContent(payloads[i % payloads.Length]);
                    content.Headers.ContentType = new("application/json");
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.PostAsync(path, content);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    events += BatchSize;
                    if (path == "/api/v1/metrics/events")
                    {
                        Interlocked.Add(ref _acceptedByEndpoint, BatchSize);
                    }
                }

                return (events, latencies);
            });
        }

        stop.CancelAfter(duration);
        var done = await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        var all = done.SelectMany(d => d.Latencies).Order().ToList();
        return (done.Sum(d => d.Events), seconds, all[all.Count / 2], all[(int)(all.Count * 0.99)]);
    }

    /// <summary>100 events alternating two versions, latencies and tokens varied, UTF-8 JSON as a serving layer would send.</summary>
    internal static byte[] Payload(int seed)
    {
        var random = new Random(seed);
        var events = Enumerable.Range(0, BatchSize).Select(i => new
        {
            model = Model,
            version = i % 2 == 0 ? "1.0.0" : "1.1.0",
            environment = "staging",
            latencyMs = Math.Round(5 + (random.NextDouble() * 1500), 3),
            success = random.Next(20) != 0,
            inputTokens = random.Next(20, 2000),
            outputTokens = random.Next(5, 800),
        });
        return JsonSerializer.SerializeToUtf8Bytes(new { events }, JsonSerializerOptions.Web);
    }

    private sealed class ComparisonEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path == "/bench/discard")
                {
                    var reader = context.Request.BodyReader;
                    while (true)
                    {
                        var read = await reader.ReadAsync();
                        reader.AdvanceTo(read.Buffer.End);
                        if (read.IsCompleted)
                        {
                            break;
                        }
                    }

                    await Accepted(context);
                    return;
                }

                if (context.Request.Path == "/bench/parse")
                {
                    // Buffered, then one synchronous pass: the way the events endpoint reads its body.
                    var reader = context.Request.BodyReader;
                    ReadResult read;
                    while (true)
                    {
                        read = await reader.ReadAsync();
                        if (read.IsCompleted)
                        {
                            break;
                        }

                        reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    }

                    context.Items["events"] = Parse(read.Buffer);
                    reader.AdvanceTo(read.Buffer.End);
                    await Accepted(context);
                    return;
                }

                await nextMiddleware(context);
            });
            next(app);
        };

        private static int Parse(ReadOnlySequence<byte> body)
        {
            var json = new Utf8JsonReader(body);
            return JsonSerializer.Deserialize<MetricEventBatch>(ref json, JsonSerializerOptions.Web)?.Events?.Count ?? 0;
        }

        private static Task Accepted(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"accepted\":100}", Encoding.UTF8);
        }
    }
}
