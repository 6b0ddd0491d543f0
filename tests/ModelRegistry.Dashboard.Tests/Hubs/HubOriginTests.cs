using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using ModelRegistry.Dashboard.Hubs;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Hubs;

/// <summary>
/// Issue 12: a page from another site may not open <c>/hubs/rollouts</c> (a WebSocket is not held back by CORS);
/// the app's own origin, configured origins and programs that send no <c>Origin</c> may.
/// </summary>
public sealed class HubOriginTests(HubOriginTests.Factory factory) : IClassFixture<HubOriginTests.Factory>
{
    private const string Partner = "https://status.example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HttpTransportType.WebSockets, false)]
    [InlineData(HttpTransportType.WebSockets, true)]
    [InlineData(HttpTransportType.LongPolling, false)]
    public async Task A_connection_from_a_foreign_origin_is_refused(HttpTransportType transport, bool skipNegotiation)
    {
        await using var hub = Connect("https://evil.example", transport, skipNegotiation);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync(Ct));

        Assert.True(refused is HttpRequestException { StatusCode: HttpStatusCode.Forbidden } || refused.ToString().Contains("403", StringComparison.Ordinal), refused.ToString());
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
    }

    [Fact]
    public async Task The_refusal_is_a_problem_naming_the_origin_and_the_setting()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/rollouts/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await client.SendAsync(request, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("'https://evil.example'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Hubs:AllowedOrigins", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost", HttpTransportType.WebSockets, true)] // the app's own origin (the test server's)
    [InlineData("http://localhost", HttpTransportType.LongPolling, false)]
    [InlineData(Partner, HttpTransportType.WebSockets, false)]
    [InlineData(null, HttpTransportType.WebSockets, false)] // a program: no Origin at all
    public async Task Same_origin_configured_origins_and_clients_without_an_origin_connect_and_can_subscribe(string? origin, HttpTransportType transport, bool skipNegotiation)
    {
        await using var hub = Connect(origin, transport, skipNegotiation);

        await hub.StartAsync(Ct);
        await hub.InvokeAsync("Subscribe", "staging", "support-chat", Ct);

        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public void A_malformed_allowed_origin_is_refused_naming_the_setting()
    {
        var options = new HubOptions { AllowedOrigins = [Partner, "https://status.example.com/path", "status.example.com"] };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));

        Assert.Equal(["Hubs:AllowedOrigins:1", "Hubs:AllowedOrigins:2"], results.SelectMany(r => r.MemberNames).ToArray());
    }

    private HubConnection Connect(string? origin, HttpTransportType transport, bool skipNegotiation)
    {
        var server = factory.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/rollouts"), o =>
            {
                o.Transports = transport;
                o.SkipNegotiation = skipNegotiation;
                if (origin is not null)
                {
                    o.Headers["Origin"] = origin;
                }

                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.WebSocketFactory = async (context, ct) =>
                {
                    var client = server.CreateWebSocketClient();
                    if (origin is not null)
                    {
                        client.ConfigureRequest = request => request.Headers.Origin = origin;
                    }

                    return await client.ConnectAsync(context.Uri, ct);
                };
            })
            .Build();
    }

    /// <summary>The app with one partner origin allowed.</summary>
    public sealed class Factory : DashboardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Hubs:AllowedOrigins:0", Partner);
        }
    }
}
