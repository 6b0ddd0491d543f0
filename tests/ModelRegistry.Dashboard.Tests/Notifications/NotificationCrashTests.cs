using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Notifications;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Notifications;

/// <summary>
/// Issue 13's crash test: the receiver is down when a canary rolls back, the app is killed with SIGKILL right after,
/// the receiver comes back, and the restarted app (same database) delivers the rollback from the outbox — exactly one
/// event id, received once.
/// </summary>
public sealed class NotificationCrashTests : IAsyncDisposable
{
    private const string Model = "crash-notify";
    private const string Environment = "staging";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Demo:Enabled"] = "true", // the demo backends answer the versions' health probes
        ["Demo:Traffic:Enabled"] = "false",
        ["Deployments:TickSeconds"] = "0.25",
        ["Health:TimeoutSeconds"] = "5",
        ["Health:DegradedResponseTimeMs"] = "60000",
        ["Notifications:IntervalMilliseconds"] = "100",
        ["Notifications:FirstRetryDelaySeconds"] = "0.2",
        ["Notifications:MaxRetryDelaySeconds"] = "1",
        ["Notifications:AttemptTimeoutSeconds"] = "2",
    };

    private readonly TestDatabase _database = new();
    private readonly List<AppProcess> _processes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        _database.Dispose();
    }

    private async Task<AppProcess> StartAsync()
    {
        var app = await AppProcess.StartAsync($"app process {_processes.Count + 1}", _database.FilePath, Settings);
        _processes.Add(app);
        return app;
    }

    private static string DemoEndpoint(string version) => $"http://localhost:5180/demo-backends/{Model}/{version}/";

    [Fact]
    public async Task A_rollback_announced_while_the_receiver_was_down_is_delivered_once_by_the_restarted_app()
    {
        // A receiver's address, then the receiver gone: every attempt of the first process fails.
        int port;
        await using (var probe = await WebhookReceiver.StartAsync())
        {
            port = probe.Port;
        }

        var first = await StartAsync();
        await Seed.ModelAsync(first.Client, Model);
        await Seed.VersionAsync(first.Client, Model, "1.0.0", DemoEndpoint("1.0.0"));
        await Seed.VersionAsync(first.Client, Model, "1.1.0", DemoEndpoint("1.1.0"));
        using (var channel = await first.Client.PostAsJsonAsync("/api/v1/notification-channels",
            new { name = "on-call", kind = "webhook", url = $"http://127.0.0.1:{port}/hook", events = new[] { NotificationEvents.DeploymentRolledBack } }, Ct))
        {
            await channel.ShouldHaveStatusAsync(HttpStatusCode.Created);
        }

        var established = await CreateAsync(first, new { model = Model, version = "1.0.0", environment = Environment, strategy = "direct", guard = new { watchSeconds = 0 } });
        await UntilStatusAsync(first, established, "succeeded", feedCanary: false);
        var canary = await CreateAsync(first, new { model = Model, version = "1.1.0", environment = Environment, strategy = "canary", guard = new { minSamples = 20 } });
        await UntilStatusAsync(first, canary, "rolledBack", feedCanary: true);
        await first.KillAsync();

        await using var receiver = await WebhookReceiver.StartAsync(port);
        await StartAsync();

        await Poll.UntilAsync(
            () => Task.FromResult(receiver.Requests.Any(r => r.Headers.GetValueOrDefault("X-Event-Type") == NotificationEvents.DeploymentRolledBack)),
            TimeSpan.FromSeconds(30),
            _ => $"the restarted app never delivered the rollback:\n{_processes[^1].Output}");
        var rollbacks = receiver.Requests.Where(r => r.Headers.GetValueOrDefault("X-Event-Type") == NotificationEvents.DeploymentRolledBack).ToList();
        var received = Assert.Single(rollbacks);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(canary, body.RootElement.GetProperty("data").GetProperty("deploymentId").GetInt64());
        Assert.Equal(received.Headers["X-Event-Id"], body.RootElement.GetProperty("id").GetString());
    }

    private static async Task<long> CreateAsync(AppProcess app, object body)
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/deployments", body, Ct);
        return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
    }

    private static async Task UntilStatusAsync(AppProcess app, long id, string status, bool feedCanary)
    {
        var now = "";
        await Poll.UntilAsync(
            async () =>
            {
                if (feedCanary)
                {
                    await Seed.EventsAsync(app.Client, Model, Environment, "1.0.0", 50, failEvery: 0);
                }

                var deployment = await app.Client.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{id}", Ct);
                now = deployment.GetProperty("status").GetString()!;
                if (feedCanary && deployment.GetProperty("trafficPercent").GetInt32() > 0)
                {
                    await Seed.EventsAsync(app.Client, Model, Environment, "1.1.0", 40, failEvery: 2);
                }

                return now == status;
            },
            TimeSpan.FromSeconds(60),
            _ => $"deployment {id} never became {status} (it is {now}):\n{app.Output}");
    }
}
