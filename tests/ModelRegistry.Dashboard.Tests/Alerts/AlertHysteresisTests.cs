using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Alerts;

/// <summary>
/// The default error-rate rule (60 s window, 60 s cooldown) against real measured traffic on a fake clock: an open alert
/// resolves only after a full cooldown of clear, and a breach within it continues the same alert, acknowledgement and all.
/// </summary>
public sealed class AlertHysteresisTests : IAsyncLifetime
{
    private const string Model = "support-chat";
    private const string Environment = "production";
    private const string Version = "1.1.0";

    private readonly TestDatabase _database = new();
    private AlertClockFactory _factory;
    private HttpClient _client = null!;

    public AlertHysteresisTests()
    {
        _factory = new AlertClockFactory(_database.FilePath);
    }

    private DateTime Now => _factory.Clock.GetUtcNow().UtcDateTime;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await Seed.ModelAsync(_client, Model);
        await Seed.VersionAsync(_client, Model, Version);
        await _factory.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("seed", ActorRole.Admin), Environment, Model,
            [new SplitInfo(Version, 100)], expectedRevision: 0, reason: "test", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Fire_acknowledge_clear_for_less_than_the_cooldown_and_fire_again_is_the_same_alert_still_acknowledged()
    {
        var id = await FireAsync();
        using (var ack = await _client.PostAsJsonAsync($"/api/v1/alerts/{id}/acknowledge", new { note = "Rolling back 1.1.0" }, Ct))
        {
            Assert.Equal("acknowledged", (await ack.ReadJsonAsync()).GetProperty("state").GetString());
        }

        // The alert starts clearing but stays open and acknowledged.
        var clearSince = await ClearAsync();
        var clearing = await AlertAsync(id);
        Assert.Equal("acknowledged", clearing.GetProperty("state").GetString());
        Assert.Equal(clearSince, clearing.GetProperty("clearSince").GetDateTime());

        _factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await EvaluateAsync();
        Assert.Equal("acknowledged", (await AlertAsync(id)).GetProperty("state").GetString());

        // 150 errors in 700 = 21.4%: breaching again 30 s into a 60 s cooldown.
        await Seed.EventsAsync(_client, Model, Environment, Version, 100, failEvery: 1);
        await EvaluateAsync();

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(id, alert.GetProperty("id").GetInt64());
        Assert.Equal("acknowledged", alert.GetProperty("state").GetString());
        Assert.Equal(DashboardFactory.AnonymousName, alert.GetProperty("acknowledgedBy").GetString());
        Assert.Equal("Rolling back 1.1.0", alert.GetProperty("acknowledgeNote").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("clearSince").ValueKind);
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("resolvedAt").ValueKind);
        Assert.Equal(150.0 / 700 * 100, alert.GetProperty("lastValue").GetDouble(), precision: 6);
    }

    [Fact]
    public async Task A_clear_spell_resolves_the_alert_only_once_it_has_lasted_the_cooldown()
    {
        var id = await FireAsync();
        var clearSince = await ClearAsync();

        _factory.Clock.Advance(TimeSpan.FromSeconds(59));
        await EvaluateAsync();
        Assert.Equal("firing", (await AlertAsync(id)).GetProperty("state").GetString());

        _factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await EvaluateAsync();

        var alert = await AlertAsync(id);
        Assert.Equal("resolved", alert.GetProperty("state").GetString());
        Assert.Equal(clearSince.AddSeconds(60), alert.GetProperty("resolvedAt").GetDateTime());
        Assert.Equal(clearSince, alert.GetProperty("clearSince").GetDateTime());
    }

    [Fact]
    public async Task A_window_with_no_traffic_also_waits_for_the_cooldown_before_resolving()
    {
        var id = await FireAsync();

        // Past the 60 s window: no requests in it at all.
        _factory.Clock.Advance(TimeSpan.FromSeconds(61));
        await EvaluateAsync();
        var quiet = await AlertAsync(id);
        Assert.Equal("firing", quiet.GetProperty("state").GetString());
        Assert.Equal(Now, quiet.GetProperty("clearSince").GetDateTime());

        _factory.Clock.Advance(TimeSpan.FromSeconds(60));
        await EvaluateAsync();
        Assert.Equal("resolved", (await AlertAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_restart_keeps_the_clearing_under_way_and_resolves_on_its_original_schedule()
    {
        var id = await FireAsync();
        var clearSince = await ClearAsync();

        _client.Dispose();
        await _factory.DisposeAsync();
        _factory = new AlertClockFactory(_database.FilePath) { Clock = new(clearSince.AddSeconds(30)) };
        _client = _factory.CreateClient();

        // The new process has no live figures yet: the series is quiet, which continues the clearing begun before.
        await EvaluateAsync();
        var restarted = await AlertAsync(id);
        Assert.Equal("firing", restarted.GetProperty("state").GetString());
        Assert.Equal(clearSince, restarted.GetProperty("clearSince").GetDateTime());

        _factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await EvaluateAsync();
        var alert = await AlertAsync(id);
        Assert.Equal("resolved", alert.GetProperty("state").GetString());
        Assert.Equal(clearSince.AddSeconds(60), alert.GetProperty("resolvedAt").GetDateTime());
    }

    /// <summary>Half of 100 requests failing: the error-rate rule fires on the next round.</summary>
    private async Task<long> FireAsync()
    {
        await Seed.EventsAsync(_client, Model, Environment, Version, 100, failEvery: 2);
        await EvaluateAsync();
        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(("firing", "errorRate"), (alert.GetProperty("state").GetString(), alert.GetProperty("metric").GetString()));
        return alert.GetProperty("id").GetInt64();
    }

    /// <summary>50 errors in 600 requests = 8.3%: clear, so this round starts the clearing; returns when it began.</summary>
    private async Task<DateTime> ClearAsync()
    {
        await Seed.EventsAsync(_client, Model, Environment, Version, 500, failEvery: 0);
        await EvaluateAsync();
        return Now;
    }

    private Task EvaluateAsync() => _factory.GetRequiredService<AlertEvaluator>().EvaluateOnceAsync(Ct);

    private async Task<JsonElement> AlertAsync(long id) => await (await _client.GetAsync($"/api/v1/alerts/{id}", Ct)).ReadJsonAsync();

    private async Task<List<JsonElement>> AlertsAsync()
    {
        var page = await (await _client.GetAsync($"/api/v1/alerts?model={Model}", Ct)).ReadJsonAsync();
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
