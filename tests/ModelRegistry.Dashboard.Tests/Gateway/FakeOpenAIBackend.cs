using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelRegistry.Dashboard.Tests.Gateway;

/// <summary>
/// A model server on a real Kestrel port that speaks enough of the OpenAI API for the gateway's tests: chat completions
/// (JSON, or server-sent events ending with a usage chunk when asked), embeddings, and a share of answers replaced by a
/// configurable status (500, 429…); its <c>/health</c> can be made to fail. It records the last request it received.
/// </summary>
public sealed class FakeOpenAIBackend : IAsyncDisposable
{
    private static readonly float[] Vector = [0.1f, 0.2f, 0.3f];

    private readonly WebApplication _app;
    private int _requests;

    private FakeOpenAIBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/";
    }

    public string Name { get; }

    /// <summary>The endpoint a version registers, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public string Endpoint { get; }

    /// <summary>
    /// The share of requests (0 to 1) answered with <see cref="FailureStatus"/>, spread evenly: request n fails when
    /// ⌊n × share⌋ grows, so 0.3 fails exactly 3 of every 10.
    /// </summary>
    public double FailureShare { get; set; }

    /// <summary>When false, <c>/health</c> answers 503.</summary>
    public bool Healthy { get; set; } = true;

    /// <summary>How long a stream waits before its first chunk (the time to first token it causes).</summary>
    public TimeSpan FirstTokenDelay { get; set; }

    public int FailureStatus { get; set; } = StatusCodes.Status500InternalServerError;

    /// <summary>Headers the server adds to every answer (a model server behind its own hardening, say).</summary>
    public Dictionary<string, string> AnswerHeaders { get; } = [];

    public int Requests => Volatile.Read(ref _requests);

    public string? LastModel { get; private set; }

    public string? LastAuthorization { get; private set; }

    public static async Task<FakeOpenAIBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeOpenAIBackend? self = null;
        app.Use((context, next) =>
        {
            foreach (var (name, value) in self!.AnswerHeaders)
            {
                context.Response.Headers[name] = value;
            }

            return next(context);
        });
        app.MapGet("/health", () => self!.Healthy ? Results.Ok() : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        app.MapPost("/v1/chat/completions", (HttpContext context) => self!.ChatAsync(context));
        app.MapPost("/v1/embeddings", (HttpContext context) => self!.EmbeddingsAsync(context));
        await app.StartAsync();
        self = new FakeOpenAIBackend(app, name);
        return self;
    }

    private async Task<JsonElement?> ReceiveAsync(HttpContext context)
    {
        var body = await JsonDocument.ParseAsync(context.Request.Body);
        LastModel = body.RootElement.GetProperty("model").GetString();
        LastAuthorization = context.Request.Headers.Authorization.ToString();
        var n = Interlocked.Increment(ref _requests);
        if (Math.Floor(n * FailureShare) > Math.Floor((n - 1) * FailureShare))
        {
            context.Response.StatusCode = FailureStatus;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "simulated", type = "server_error", code = "simulated" } });
            return null;
        }

        return body.RootElement.Clone();
    }

    private async Task ChatAsync(HttpContext context)
    {
        if (await ReceiveAsync(context) is not { } body)
        {
            return;
        }

        var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = body.TryGetProperty("stream_options", out var o) && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = LastModel,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = $"hello from {Name}" }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 11, completion_tokens = 7, total_tokens = 18 },
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await Task.Delay(FirstTokenDelay, context.RequestAborted);
        foreach (var word in new[] { "hello ", "from ", Name })
        {
            await WriteEventAsync(context, new
            {
                id = "chatcmpl-1",
                @object = "chat.completion.chunk",
                created = 1_700_000_000,
                model = LastModel,
                choices = new[] { new { index = 0, delta = new { content = word }, finish_reason = (string?)null } },
            });
        }

        if (includeUsage)
        {
            await WriteEventAsync(context, new
            {
                id = "chatcmpl-1",
                @object = "chat.completion.chunk",
                created = 1_700_000_000,
                model = LastModel,
                choices = Array.Empty<object>(),
                usage = new { prompt_tokens = 13, completion_tokens = 3, total_tokens = 16 },
            });
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task WriteEventAsync(HttpContext context, object payload)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", Encoding.UTF8);
        await context.Response.Body.FlushAsync();
    }

    private async Task EmbeddingsAsync(HttpContext context)
    {
        if (await ReceiveAsync(context) is null)
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data = new[] { new { @object = "embedding", index = 0, embedding = Vector } },
            model = LastModel,
            usage = new { prompt_tokens = 5, total_tokens = 5 },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
