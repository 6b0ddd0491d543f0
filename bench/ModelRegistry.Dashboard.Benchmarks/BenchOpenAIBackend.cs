using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// The fastest model server the gateway benchmark can put behind a path: Kestrel on loopback, no logging, answers built
/// once. <c>POST /v1/chat/completions</c> reads the whole body and answers a fixed chat completion with <c>usage</c>, or,
/// when the body says <c>"stream":true</c>, a server-sent event stream: the first chunk at once, the others after
/// <see cref="StreamGap"/> (so a proxy that buffered the stream would show it in the time to first token), then the
/// usage chunk and <c>[DONE]</c>. <c>GET /health</c> answers 200 for the app's health probes.
/// </summary>
internal sealed class BenchOpenAIBackend : IAsyncDisposable
{
    public static readonly TimeSpan StreamGap = TimeSpan.FromMilliseconds(10);

    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-chat","choices":[{"index":0,"message":{"role":"assistant","content":"Your order left the warehouse this morning."},"finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":9,"total_tokens":20}}""");

    private static readonly byte[] FirstChunk = Chunk("""{"role":"assistant","content":"Your "}""");

    private static readonly byte[][] LaterChunks =
    [
        Chunk("""{"content":"order "}"""),
        Chunk("""{"content":"left "}"""),
        Chunk("""{"content":"this morning."}"""),
        Encoding.UTF8.GetBytes("""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-chat","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15}}""" + "\n\n"),
        Encoding.UTF8.GetBytes("data: [DONE]\n\n"),
    ];

    private readonly WebApplication _app;

    private BenchOpenAIBackend(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>: what a version registers as its endpoint.</summary>
    public Uri Address { get; }

    public static async Task<BenchOpenAIBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/v1/chat/completions", ChatAsync);
        await app.StartAsync();
        return new BenchOpenAIBackend(app, ListeningAddress(app));
    }

    /// <summary>The first address Kestrel listens on, as <c>http://127.0.0.1:PORT/</c>.</summary>
    public static Uri ListeningAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    private static async Task ChatAsync(HttpContext context)
    {
        var stream = await ReadAsksForStreamAsync(context.Request.BodyReader);
        var response = context.Response;
        if (!stream)
        {
            response.ContentType = "application/json";
            response.ContentLength = Completion.Length;
            await response.Body.WriteAsync(Completion);
            return;
        }

        response.ContentType = "text/event-stream";
        await response.Body.WriteAsync(FirstChunk);
        await response.Body.FlushAsync();
        await Task.Delay(StreamGap);
        foreach (var chunk in LaterChunks)
        {
            await response.Body.WriteAsync(chunk);
            await response.Body.FlushAsync();
        }
    }

    /// <summary>Reads the body to its end; true when it contains <c>"stream":true</c> (the driver sends compact JSON).</summary>
    private static async Task<bool> ReadAsksForStreamAsync(PipeReader reader)
    {
        while (true)
        {
            var read = await reader.ReadAsync();
            if (read.IsCompleted)
            {
                var found = IsStream(read.Buffer);
                reader.AdvanceTo(read.Buffer.End);
                return found;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static bool IsStream(ReadOnlySequence<byte> body) =>
        (body.IsSingleSegment ? body.FirstSpan : body.ToArray()).IndexOf("\"stream\":true"u8) >= 0;

    private static byte[] Chunk(string delta) => Encoding.UTF8.GetBytes(
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"bench-chat\",\"choices\":[{\"index\":0,\"delta\":"
        + delta + ",\"finish_reason\":null}]}\n\n");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
