using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Notifications;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Gateway;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Notifications;

/// <summary>
/// Issue 13 against real receivers on Kestrel and the real app (its orchestrator and dispatcher running): a bad canary's
/// rollback reaches a webhook within 5 s of the route write, signed, with the verdict; a failing receiver gets the same
/// event id until it takes it; a hanging receiver delays neither the rollback nor another channel.
/// </summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private const string Secret = "a-shared-secret-0123456789";
    private const string Environment = "staging";

    private readonly KestrelDashboardFactory _app = new(new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
        ["Health:IntervalSeconds"] = "1",
        ["Health:TimeoutSeconds"] = "1",
        ["Notifications:IntervalMilliseconds"] = "100",
        ["Notifications:FirstRetryDelaySeconds"] = "0.05",
        ["Notifications:MaxRetryDelaySeconds"] = "1",
        ["Notifications:AttemptTimeoutSeconds"] = "2",
    });

    private readonly string _model = Seed.UniqueName("notified");
    private FakeOpenAIBackend _stable = null!;
    private FakeOpenAIBackend _canary = null!;
    private HttpClient _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stable = await FakeOpenAIBackend.StartAsync("stable");
        _canary = await FakeOpenAIBackend.StartAsync("canary");
        _api = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        await Seed.ModelAsync(_api, _model);
        await Seed.VersionAsync(_api, _model, "1.0.0", _stable.Endpoint);
        await Seed.VersionAsync(_api, _model, "1.1.0", _canary.Endpoint);
        await _app.GetRequiredService<RouteService>().SetSplitsAsync(new Actor("test", ActorRole.Admin), Environment, _model, [new SplitInfo("1.0.0", 100)], 0, "test", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _app.DisposeAsync();
        await _stable.DisposeAsync();
        await _canary.DisposeAsync();
    }

    private async Task<long> ChannelAsync(string name, string url, string? secret = Secret, string[]? events = null)
    {
        using var response = await _api.PostAsJsonAsync("/api/v1/notification-channels", new { name, kind = "webhook", url, secret, events, models = new[] { _model } }, Ct);
        return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
    }

    /// <summary>Launches a canary of 1.1.0 and feeds it failing figures (half its requests) until it has rolled back.</summary>
    private async Task<DateTime> RollBackACanaryAsync()
    {
        using var launch = await _api.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = _model, version = "1.1.0", environment = Environment, strategy = "canary", guard = new { minSamples = 20 }, reason = "notification test",
        }, Ct);
        var id = (await launch.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        string status = "";
        await Poll.UntilAsync(
            async () =>
            {
                await Seed.EventsAsync(_api, _model, Environment, "1.0.0", 50, failEvery: 0);
                var deployment = await _api.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{id}", Ct);
                status = deployment.GetProperty("status").GetString()!;
                if (deployment.GetProperty("trafficPercent").GetInt32() == 10)
                {
                    await Seed.EventsAsync(_api, _model, Environment, "1.1.0", 40, failEvery: 2);
                }

                return status == "rolledBack";
            },
            TimeSpan.FromSeconds(60),
            _ => $"the canary never rolled back ({status})");
        var route = await _app.GetRequiredService<RouteService>().GetAsync(Environment, _model, Ct);
        return route.UpdatedAt;
    }

    private static async Task<WebhookReceiver.Received> ReceivedAsync(WebhookReceiver receiver, string type, TimeSpan within)
    {
        WebhookReceiver.Received? found = null;
        await Poll.UntilAsync(
            () =>
            {
                found = receiver.Requests.FirstOrDefault(r => r.Headers.GetValueOrDefault("X-Event-Type") == type);
                return Task.FromResult(found is not null);
            },
            within,
            _ => $"no {type} reached {receiver.Url}; got: {string.Join(", ", receiver.Requests.Select(r => r.Headers.GetValueOrDefault("X-Event-Type")))}");
        return found!;
    }

    [Fact]
    public async Task A_bad_canarys_rollback_reaches_the_webhook_within_5_s_of_the_route_write_signed_and_with_the_verdict()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await ChannelAsync("sre-hook", receiver.Url);

        var routeWritten = await RollBackACanaryAsync();

        var received = await ReceivedAsync(receiver, NotificationEvents.DeploymentRolledBack, TimeSpan.FromSeconds(10));
        Assert.True(received.At - routeWritten < TimeSpan.FromSeconds(5), $"arrived {(received.At - routeWritten).TotalSeconds:0.0} s after the route write");
        Assert.Equal(NotificationPayloads.Signature(Secret, received.Body), received.Headers["X-Signature-256"]);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(received.Headers["X-Event-Id"], body.RootElement.GetProperty("id").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal((_model, "1.1.0", Environment, "rolledback"), (data.GetProperty("model").GetString(), data.GetProperty("version").GetString(),
            data.GetProperty("environment").GetString(), data.GetProperty("status").GetString()));
        Assert.Contains("failed", data.GetProperty("rollbackCause").GetString(), StringComparison.Ordinal); // "verdict N failed: Fail: Error rate …"
        Assert.Contains("Error rate", data.GetProperty("rollbackCause").GetString(), StringComparison.Ordinal);
        Assert.EndsWith($"/deployments/{data.GetProperty("deploymentId").GetInt64()}", data.GetProperty("link").GetString(), StringComparison.Ordinal);
        Assert.Contains(receiver.Requests, r => r.Headers.GetValueOrDefault("X-Event-Type") == NotificationEvents.DeploymentStarted);
    }

    [Fact]
    public async Task A_receiver_that_fails_three_times_gets_the_same_event_id_four_times_and_the_log_shows_four_attempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 3;
        var channel = await ChannelAsync("flaky-hook", receiver.Url);

        await ChannelDeliveries.SendTestAsync(_api, channel);
        var delivery = await ChannelDeliveries.NewestAsync(_api, channel, ChannelDeliveries.Status("delivered"), TimeSpan.FromSeconds(20));

        Assert.Equal(4, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(4, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Headers["X-Event-Id"]).Distinct());
        Assert.Equal(delivery.GetProperty("eventId").GetString(), receiver.Requests.First().Headers["X-Event-Id"]);
    }

    [Fact]
    public async Task A_hanging_receiver_delays_neither_the_rollback_nor_another_channel()
    {
        await using var hanging = await WebhookReceiver.StartAsync();
        hanging.Hang = TimeSpan.FromSeconds(30);
        await using var healthy = await WebhookReceiver.StartAsync();
        await ChannelAsync("hanging-hook", hanging.Url);
        await ChannelAsync("healthy-hook", healthy.Url);

        var routeWritten = await RollBackACanaryAsync();

        var received = await ReceivedAsync(healthy, NotificationEvents.DeploymentRolledBack, TimeSpan.FromSeconds(10));
        Assert.True(received.At - routeWritten < TimeSpan.FromSeconds(5), $"the healthy channel waited {(received.At - routeWritten).TotalSeconds:0.0} s");
        Assert.NotEmpty(hanging.Requests); // it was called, and is still hanging
    }

    [Theory]
    [InlineData("{\"kind\":\"webhook\",\"url\":\"https://example.com/hook\"}", "name")]
    [InlineData("{\"name\":\"x\",\"kind\":\"pager\",\"url\":\"https://example.com/hook\"}", "kind")]
    [InlineData("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"ftp://example.com/hook\"}", "url")]
    [InlineData("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"https://example.com/hook\",\"secret\":\"short\"}", "secret")]
    [InlineData("{\"name\":\"x\",\"kind\":\"webhook\",\"url\":\"https://example.com/hook\",\"events\":[\"deployment.exploded\"]}", "events")]
    [InlineData("{\"name\":\"x\",\"kind\":\"slack\",\"url\":\"https://example.com/hook\",\"minSeverity\":\"apocalyptic\"}", "minSeverity")]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        using var response = await _api.PostRawJsonAsync("/api/v1/notification-channels", json);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, (await _api.GetFromJsonAsync<JsonElement>("/api/v1/notification-channels", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task A_channels_secret_is_never_returned()
    {
        var id = await ChannelAsync("secret-hook", "https://example.com/hook");

        var text = await _api.GetStringAsync($"/api/v1/notification-channels/{id}", Ct);

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("\"hasSecret\":true", text, StringComparison.Ordinal);
    }
}
