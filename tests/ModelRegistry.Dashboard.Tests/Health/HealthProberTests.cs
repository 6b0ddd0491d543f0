using System.Net;
using System.Net.Sockets;
using ModelRegistry.Dashboard.Health;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>One probe against a stubbed (or really closed) endpoint: what it measured and the reason in words.</summary>
public sealed class HealthProberTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HealthProber Prober(HttpMessageHandler handler, double timeoutSeconds = 2, string path = "health") =>
        new(new StubHttpClientFactory(handler), new FixedOptions<HealthOptions>(new HealthOptions { TimeoutSeconds = timeoutSeconds, Path = path }), TimeProvider.System);

    [Theory]
    [InlineData("http://m.test/support/1.0.0/", "health", "http://m.test/support/1.0.0/health")]
    [InlineData("http://m.test/support/1.0.0", "health", "http://m.test/support/1.0.0/health")]
    [InlineData("http://m.test/support/1.0.0/", "/health", "http://m.test/support/1.0.0/health")]
    [InlineData("https://m.test", "v1/health", "https://m.test/v1/health")]
    [InlineData("http://m.test:8080/a/?key=1", "healthz?deep=true", "http://m.test:8080/a/healthz?deep=true")]
    public void The_probe_path_joins_the_endpoint_with_or_without_a_trailing_slash(string endpoint, string path, string expected)
    {
        Assert.True(EndpointUrl.TryCombine(endpoint, path, out var url));
        Assert.Equal(expected, url.ToString());
    }

    [Fact]
    public async Task A_2xx_answer_is_ok_with_its_status_and_time()
    {
        var handler = StubHandler.Status(HttpStatusCode.OK);

        var result = await Prober(handler).ProbeAsync("http://m.test/support/1.0.0", Ct);

        Assert.True(result.Ok);
        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.Error);
        Assert.True(result.LatencyMs >= 0);
        Assert.Equal(new Uri("http://m.test/support/1.0.0/health"), Assert.Single(handler.Requested));
    }

    [Fact]
    public async Task A_500_answer_fails_with_the_status_code()
    {
        var result = await Prober(StubHandler.Status(HttpStatusCode.InternalServerError)).ProbeAsync("http://m.test/", Ct);

        Assert.False(result.Ok);
        Assert.Equal(500, result.StatusCode);
        Assert.Equal("HTTP 500", result.Error);
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_times_out_after_the_configured_time()
    {
        var result = await Prober(StubHandler.Hangs(), timeoutSeconds: 0.2).ProbeAsync("http://m.test/", Ct);

        Assert.False(result.Ok);
        Assert.Null(result.StatusCode);
        Assert.Equal("timed out after 0.2 s", result.Error);
        Assert.True(result.LatencyMs >= 150, $"Gave up after {result.LatencyMs} ms.");
    }

    [Fact]
    public async Task A_timeout_inside_the_handler_reads_as_a_timeout_too()
    {
        var result = await Prober(StubHandler.Throws(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout."))).ProbeAsync("http://m.test/", Ct);

        Assert.Equal("timed out after 2 s", result.Error);
    }

    [Fact]
    public async Task A_refused_connection_says_so()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (m.test:80)", new SocketException((int)SocketError.ConnectionRefused));

        var result = await Prober(StubHandler.Throws(refused)).ProbeAsync("http://m.test/", Ct);

        Assert.False(result.Ok);
        Assert.Equal("connection refused", result.Error);
    }

    [Fact]
    public async Task A_really_closed_port_is_connection_refused()
    {
        // A port that was just free and is not listened on: a real refusal from the local TCP stack.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var handler = new SocketsHttpHandler();

        var result = await Prober(handler).ProbeAsync($"http://127.0.0.1:{port}/m/1.0.0/", Ct);

        Assert.Equal("connection refused", result.Error);
    }

    [Fact]
    public async Task An_unknown_host_says_which_host()
    {
        var unknown = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (nowhere.test:80)", new SocketException((int)SocketError.HostNotFound));

        var result = await Prober(StubHandler.Throws(unknown)).ProbeAsync("http://nowhere.test/", Ct);

        Assert.Equal("host 'nowhere.test' not found", result.Error);
    }

    [Fact]
    public async Task A_malformed_endpoint_fails_without_a_request()
    {
        var handler = StubHandler.Status(HttpStatusCode.OK);

        var result = await Prober(handler).ProbeAsync("not a url", Ct);

        Assert.False(result.Ok);
        Assert.Contains("not an absolute http(s) URL", result.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requested);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_failed_probe()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var probe = Prober(StubHandler.Hangs(), timeoutSeconds: 60).ProbeAsync("http://m.test/", cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);
    }
}
