using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelRegistry.Dashboard.Tests.Notifications;

/// <summary>
/// A webhook receiver on a real Kestrel port: keeps every request (headers, raw body, arrival time) and answers by the
/// test's rules — fail the first N requests, hang, or redirect.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _served;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/hook";
    }

    public string Url { get; }

    public int Port => new Uri(Url).Port;

    /// <summary>The first this many requests get 500.</summary>
    public int FailFirst { get; set; }

    /// <summary>When set, every request waits this long before answering.</summary>
    public TimeSpan Hang { get; set; }

    /// <summary>When set, every request is answered 307 with this location.</summary>
    public string? RedirectTo { get; set; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <param name="port">0 for any free port; a port a receiver had before, to bring it back at the same URL.</param>
    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.MapPost("/hook", (HttpContext context) => self!.ReceiveAsync(context));
        await app.StartAsync();
        self = new WebhookReceiver(app);
        return self;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        Requests.Enqueue(new Received(
            DateTime.UtcNow,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray()));
        if (Hang > TimeSpan.Zero)
        {
            await Task.Delay(Hang, context.RequestAborted);
        }

        if (RedirectTo is not null)
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = RedirectTo;
            return;
        }

        context.Response.StatusCode = Interlocked.Increment(ref _served) <= FailFirst ? 500 : 200;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Received(DateTime At, IReadOnlyDictionary<string, string> Headers, byte[] Body);
}
