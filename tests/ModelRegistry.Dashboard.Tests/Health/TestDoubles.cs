using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>An HTTP edge answered by a function: the outside world as a unit test needs it.</summary>
public sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    public List<Uri> Requested { get; } = [];

    public static StubHandler Status(System.Net.HttpStatusCode status) => new((_, _) => Task.FromResult(new HttpResponseMessage(status)));

    public static StubHandler Throws(Exception exception) => new((_, _) => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>Never answers: only the caller's cancellation (its timeout) ends the request.</summary>
    public static StubHandler Hangs() => new(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("Unreachable.");
    });

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requested)
        {
            Requested.Add(request.RequestUri!);
        }

        return answer(request, cancellationToken);
    }
}

/// <summary>Hands out clients over one handler, as the real factory would (with no client timeout of its own).</summary>
public sealed class StubHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
}

public sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue { get; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
