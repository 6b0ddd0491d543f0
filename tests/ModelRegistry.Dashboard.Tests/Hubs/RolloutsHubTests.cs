using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Hubs;

/// <summary>A real SignalR client on <c>/hubs/rollouts</c> against the real app (in-memory test server, WebSockets).</summary>
public sealed class RolloutsHubTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly DashboardFactory _factory = new();
    private HttpClient _client = null!;
    private HubConnection _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await Seed.ModelAsync(_client, "support-chat");
        await Seed.VersionAsync(_client, "support-chat", "1.0.0");
        await Seed.VersionAsync(_client, "support-chat", "1.1.0");
        var server = _factory.Server;
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/rollouts"), o =>
            {
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.WebSocketFactory = async (context, ct) => await server.CreateWebSocketClient().ConnectAsync(context.Uri, ct);
            })
            .Build();
        await _hub.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_route_change_reaches_every_hub_client()
    {
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = _hub.On<JsonElement>("RouteChanged", change => received.TrySetResult(change));

        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("ops", ActorRole.Operator), "staging", "support-chat",
            [new SplitInfo("1.0.0", 90), new SplitInfo("1.1.0", 10)], expectedRevision: 0, reason: "canary", Ct);

        var change = await received.Task.WaitAsync(Patience, Ct);
        Assert.Equal("support-chat", change.GetProperty("model").GetString());
        Assert.Equal("staging", change.GetProperty("environment").GetString());
    }

    [Fact]
    public async Task A_subscribed_client_gets_a_metrics_tick_with_its_versions_figures_and_others_do_not()
    {
        var ticks = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = _hub.On<JsonElement>("MetricsTick", tick =>
        {
            if (tick.GetProperty("versions").EnumerateArray().Any(v => v.GetProperty("requests").GetInt64() == 40))
            {
                ticks.TrySetResult(tick);
            }
        });
        await _hub.InvokeAsync("Subscribe", "production", "support-chat", Ct);

        var events = Enumerable.Range(0, 40).Select(i => new
        {
            model = "support-chat", version = "1.1.0", environment = "production", latencyMs = 100 + i, success = i % 4 != 0,
        }).ToArray();
        using var posted = await _client.PostAsJsonAsync("/api/v1/metrics/events", new { events }, Ct);
        posted.EnsureSuccessStatusCode();

        var tick = await ticks.Task.WaitAsync(Patience, Ct);
        Assert.Equal("production", tick.GetProperty("environment").GetString());
        var version = tick.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "1.1.0");
        Assert.Equal(10, version.GetProperty("errors").GetInt64());
    }

    [Fact]
    public async Task Subscribing_with_a_bad_model_name_is_refused_with_a_message()
    {
        var refused = await Assert.ThrowsAsync<HubException>(() => _hub.InvokeAsync("Subscribe", "production", "Not A Slug", Ct));
        Assert.Contains("model name", refused.Message, StringComparison.Ordinal);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
