using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelRegistry.Dashboard.Gateway;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>
/// The app's own probe and gateway HTTP clients against a real model server on loopback: a redirect is never followed,
/// and outside Development neither client connects to a loopback address the allow-list does not name (issue 12, SSRF).
/// </summary>
public sealed class ProbeDialGuardTests : IAsyncLifetime
{
    private RedirectingBackend _backend = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _backend = await RedirectingBackend.StartAsync();

    public async ValueTask DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task A_probe_that_gets_a_302_fails_with_it_and_does_not_follow_it()
    {
        await using var app = new DashboardFactory();
        var prober = app.GetRequiredService<HealthProber>();

        var result = await prober.ProbeAsync(_backend.Url + "/redirecting/", Ct);

        Assert.False(result.Ok);
        Assert.Equal(302, result.StatusCode);
        Assert.Equal("HTTP 302", result.Error);
        Assert.Equal(1, _backend.RedirectsSent);
        Assert.Equal(0, _backend.TargetHits);
    }

    [Fact]
    public async Task In_production_a_probe_does_not_connect_to_a_loopback_endpoint_and_says_why()
    {
        await using var app = new ProductionDashboardFactory();
        var prober = app.GetRequiredService<HealthProber>();

        var result = await prober.ProbeAsync(_backend.Url + "/healthy/", Ct);

        Assert.False(result.Ok);
        Assert.Null(result.StatusCode);
        Assert.StartsWith("not dialled: host '127.0.0.1' is a loopback address (127.0.0.1)", result.Error, StringComparison.Ordinal);
        Assert.Contains("Registry:EndpointAllowList", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task In_production_an_allow_listed_loopback_endpoint_is_probed()
    {
        await using var app = new ProductionDashboardFactory(new Dictionary<string, string> { ["Registry:EndpointAllowList:0"] = "127.0.0.1" });
        var prober = app.GetRequiredService<HealthProber>();

        var result = await prober.ProbeAsync(_backend.Url + "/healthy/", Ct);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(1, _backend.HealthyHits);
    }

    [Fact]
    public async Task In_production_the_gateway_does_not_connect_to_a_loopback_endpoint()
    {
        await using var app = new ProductionDashboardFactory();
        var gateway = app.GetRequiredService<GatewayHttpClient>();
        using var request = new HttpRequestMessage(HttpMethod.Post, _backend.Url + "/v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"m\"}", Encoding.UTF8, "application/json"),
        };

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => gateway.Invoker.SendAsync(request, Ct));

        var refused = Assert.IsType<EndpointRefusedException>(failure.InnerException);
        Assert.Contains("'127.0.0.1' is a loopback address", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Requests);
    }

    /// <summary>A model server on loopback: <c>/redirecting/health</c> answers 302 to <c>/target</c>; counts requests and hits.</summary>
    private sealed class RedirectingBackend : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;
        private int _redirects;
        private int _targetHits;
        private int _healthyHits;

        private RedirectingBackend(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public int Requests => Volatile.Read(ref _requests);

        public int RedirectsSent => Volatile.Read(ref _redirects);

        public int TargetHits => Volatile.Read(ref _targetHits);

        public int HealthyHits => Volatile.Read(ref _healthyHits);

        public static async Task<RedirectingBackend> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var self = new RedirectingBackend(app);
            app.Use((context, next) =>
            {
                Interlocked.Increment(ref self._requests);
                return next(context);
            });
            app.MapGet("/redirecting/health", () =>
            {
                Interlocked.Increment(ref self._redirects);
                return Results.Redirect(self.Url + "/target");
            });
            app.MapGet("/target", () =>
            {
                Interlocked.Increment(ref self._targetHits);
                return Results.Ok();
            });
            app.MapGet("/healthy/health", () =>
            {
                Interlocked.Increment(ref self._healthyHits);
                return Results.Ok();
            });
            await app.StartAsync();
            self.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            return self;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
