using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// Issue 9: the minute in progress is persisted every flush (so a crash loses seconds, not a minute), the series API
/// still counts every event once, and a database failure never ends the rollup loop.
/// </summary>
public sealed class MetricHistoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_minute_in_progress_is_persisted_to_its_last_complete_second_and_the_series_counts_each_event_once()
    {
        await using var factory = new TelemetryFactory();
        var (client, model, start) = await TenRequestsAtSecondFiveAsync(factory, "hist");
        var writer = factory.GetRequiredService<MetricRollupWriter>();
        await PostAsync(client, model, 4); // second 20: the second in progress, left to the next flush

        Assert.Equal(1, await writer.FlushAsync(Ct));
        Assert.Equal([10], await RowRequestsAsync(factory, model));
        Assert.Equal(start.AddSeconds(20 - MetricRollupWriter.CompletionGraceSeconds), writer.FlushedThrough);
        Assert.Equal(14, await SeriesTotalAsync(client, model, start));

        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await writer.FlushAsync(Ct));
        Assert.Equal([14], await RowRequestsAsync(factory, model));
        Assert.Equal(14, await SeriesTotalAsync(client, model, start));

        // A late event for a second already written is merged into the row by the next flush, once.
        await PostAsync(client, model, 1, timestamp: start.AddSeconds(7));
        Assert.Equal(1, await writer.FlushAsync(Ct));
        Assert.Equal([15], await RowRequestsAsync(factory, model));
        Assert.Equal(15, await SeriesTotalAsync(client, model, start));
    }

    [Fact]
    public async Task A_database_error_is_logged_and_the_rollup_loop_keeps_going()
    {
        var logs = new CapturedLogs();
        var logged = logs.Lines;
        await using var factory = new LoopingTelemetryFactory(logs);
        var client = factory.CreateClient();
        var model = Seed.UniqueName("fault");
        await Seed.ModelAsync(client, model);
        await Seed.VersionAsync(client, model, "1.0.0");
        var writer = factory.GetRequiredService<MetricRollupWriter>();

        // Reading the rollups fails with a plain SqliteException ("no such table"), not a DbUpdateException.
        await ExecuteAsync(factory, "ALTER TABLE MetricRollups RENAME TO MetricRollupsAway");
        await PostAsync(client, model, 3);
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        await Poll.UntilAsync(
            () => Task.FromResult(logged.Count(l => l.Contains("metric-rollups failed", StringComparison.Ordinal)) >= 2),
            TimeSpan.FromSeconds(30),
            _ => "the rollup loop did not log two failed flushes");
        Assert.False(writer.ExecuteTask!.IsCompleted, "the rollup loop ended on a database error");

        await ExecuteAsync(factory, "ALTER TABLE MetricRollups" + "Away RENAME TO MetricRollups");
        await Poll.UntilAsync(
            async () => (await RowRequestsAsync(factory, model)).Sum() == 3,
            TimeSpan.FromSeconds(30),
            _ => "the rollup loop did not write the row once the database was back");
        Assert.False(factory.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task A_series_read_while_a_flush_is_committing_still_counts_the_seconds_being_flushed()
    {
        var commit = new HeldRollupCommit();
        await using var factory = new HeldCommitTelemetryFactory(commit);
        var (client, model, start) = await TenRequestsAtSecondFiveAsync(factory, "overlap");
        var writer = factory.GetRequiredService<MetricRollupWriter>();

        // The flush has moved FlushedThrough past second 5 and is committing the row that holds it.
        commit.Hold();
        var flush = writer.FlushAsync(Ct);
        await commit.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var total = SeriesTotalAsync(client, model, start);
        // A read that does not wait for the commit answers meanwhile, and then the 10 requests were neither in a row nor
        // after FlushedThrough in the live buckets. One that waits cannot be seen waiting, hence a bounded grace here.
        await Task.WhenAny(total, Task.Delay(TimeSpan.FromSeconds(2), Ct));
        commit.Release();

        Assert.Equal(1, await flush);
        Assert.Equal(10, await total);
    }

    /// <summary>A fresh model's version 1.0.0 with 10 requests at second 5 after <c>start</c>; the clock then stands at second 20.</summary>
    private static async Task<(HttpClient Client, string Model, DateTime Start)> TenRequestsAtSecondFiveAsync(TelemetryFactory factory, string prefix)
    {
        var client = factory.CreateClient();
        var model = Seed.UniqueName(prefix);
        await Seed.ModelAsync(client, model);
        await Seed.VersionAsync(client, model, "1.0.0");
        var start = factory.Clock.UtcNow;
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        await PostAsync(client, model, 10);
        factory.Clock.Advance(TimeSpan.FromSeconds(15));
        return (client, model, start);
    }

    private static async Task PostAsync(HttpClient client, string model, int count, DateTime? timestamp = null)
    {
        var events = Enumerable.Range(0, count).Select(_ => new { model, version = "1.0.0", environment = "staging", latencyMs = 50.0, success = true, timestamp });
        var response = await client.PostAsJsonAsync("/api/v1/metrics/events", new { events }, Ct);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
    }

    private static async Task<List<long>> RowRequestsAsync(DashboardFactory factory, string model)
    {
        await using var db = await factory.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);
        return await db.MetricRollups.AsNoTracking().Where(r => r.ModelName == model).OrderBy(r => r.MinuteStart).Select(r => r.Requests).ToListAsync(Ct);
    }

    private static async Task<long> SeriesTotalAsync(HttpClient client, string model, DateTime start)
    {
        var series = await (await client.GetAsync(
                $"/api/v1/metrics/series?model={model}&environment=staging&version=1.0.0&from={MetricsApiTests.Iso(start.AddMinutes(-1))}&to={MetricsApiTests.Iso(start.AddMinutes(2))}&stepSeconds=60", Ct))
            .ReadAsync<MetricSeriesResult>();
        return series.Points.Sum(p => p.Requests);
    }

    private static async Task ExecuteAsync(DashboardFactory factory, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Holds the rollup writer's commit while armed, as a slow database would.</summary>
    private sealed class HeldRollupCommit : SaveChangesInterceptor
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _held;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Hold() => _held = true;

        public void Release()
        {
            _held = false;
            _released.TrySetResult();
        }

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (_held && eventData.Context?.ChangeTracker.Entries<MetricRollup>().Any() == true)
            {
                Entered.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }

            return result;
        }
    }

    private sealed class HeldCommitTelemetryFactory(HeldRollupCommit commit) : TelemetryFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteRegistryDbContext>(o => o.AddInterceptors(commit)));
        }
    }

    /// <summary>The rollup loop ticking every second on its own, and every log line kept.</summary>
    private sealed class LoopingTelemetryFactory(CapturedLogs logs) : TelemetryFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:FlushIntervalSeconds", "1");
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }
    }
}
