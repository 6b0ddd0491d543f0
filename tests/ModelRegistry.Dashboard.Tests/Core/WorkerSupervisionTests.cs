using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Core;

/// <summary>
/// A background worker that throws on every run is retried with back-off and shown degraded on <c>/healthz</c>, while
/// the app keeps serving and the other workers keep running (issue 9).
/// </summary>
public sealed class WorkerSupervisionTests : IAsyncLifetime
{
    private readonly FailingWorkerFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_worker_that_always_throws_is_shown_degraded_and_retried_while_the_app_and_other_workers_carry_on()
    {
        JsonElement health = default;
        await Poll.UntilAsync(async () =>
        {
            health = await ReadHealthAsync();
            return Worker(health, AlwaysFailingWorker.WorkerName).GetProperty("consecutiveFailures").GetInt32() >= 3;
        }, TimeSpan.FromSeconds(20), waited => $"The failing worker was not retried three times within {waited.TotalSeconds:0} s: {health}");

        Assert.Equal("degraded", health.GetProperty("status").GetString());
        var failing = Worker(health, AlwaysFailingWorker.WorkerName);
        Assert.Equal("degraded", failing.GetProperty("status").GetString());
        Assert.Equal("InvalidOperationException: the rollup table is gone", failing.GetProperty("lastError").GetString());
        Assert.Contains(AlwaysFailingWorker.WorkerName, health.GetProperty("description").GetString(), StringComparison.Ordinal);
        // Back-off: the gaps between runs grow (0.1 s, 0.2 s, 0.4 s ...), so three failures take at least 0.3 s.
        var retries = _factory.GetRequiredService<AlwaysFailingWorker>().RunTimes;
        Assert.True(retries[2] - retries[1] > retries[1] - retries[0], $"Runs at {string.Join(", ", retries)} did not back off.");

        // The other workers keep running: the hub's metrics tick has succeeded more than once since start.
        var ticker = Worker(health, "hub-metrics-tick");
        var runs = ticker.GetProperty("runs").GetInt64();
        await Poll.UntilAsync(async () => Worker(await ReadHealthAsync(), "hub-metrics-tick").GetProperty("runs").GetInt64() > runs,
            TimeSpan.FromSeconds(10), waited => $"hub-metrics-tick did not run again within {waited.TotalSeconds:0} s.");
        Assert.Equal("healthy", ticker.GetProperty("status").GetString());

        using var models = await _client.GetAsync("/api/v1/models", Ct);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    private async Task<JsonElement> ReadHealthAsync()
    {
        using var response = await _client.GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    private static JsonElement Worker(JsonElement health, string name) =>
        health.GetProperty("workers").EnumerateArray().Single(w => w.GetProperty("name").GetString() == name);

    private sealed class FailingWorkerFactory : DashboardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<AlwaysFailingWorker>();
                services.AddHostedService(sp => sp.GetRequiredService<AlwaysFailingWorker>());
            });
        }
    }

    private sealed class AlwaysFailingWorker(WorkerHost host) : SupervisedWorker(host)
    {
        public const string WorkerName = "always-failing";

        private readonly List<DateTime> _runs = [];

        public IReadOnlyList<DateTime> RunTimes
        {
            get
            {
                lock (_runs)
                {
                    return [.. _runs];
                }
            }
        }

        public override string Name => WorkerName;

        protected override TimeSpan Interval => TimeSpan.FromMilliseconds(100);

        protected override Task RunOnceAsync(CancellationToken stoppingToken)
        {
            lock (_runs)
            {
                _runs.Add(DateTime.UtcNow);
            }

            throw new InvalidOperationException("the rollup table is gone");
        }
    }
}
