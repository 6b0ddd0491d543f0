using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>Minute rollups: written in batches by the flusher, merged on late events, read back after a restart.</summary>
public sealed class MetricRollupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> ModelAsync(HttpClient client, params string[] versions)
    {
        var model = Seed.UniqueName("roll");
        await Seed.ModelAsync(client, model);
        foreach (var version in versions)
        {
            await Seed.VersionAsync(client, model, version);
        }

        return model;
    }

    private static async Task PostAsync(HttpClient client, string model, IEnumerable<(double LatencyMs, bool Success)> events, string version = "1.0.0", DateTime? timestamp = null)
    {
        var body = new
        {
            events = events.Select(e => new { model, version, environment = "staging", latencyMs = e.LatencyMs, success = e.Success, inputTokens = 1, outputTokens = 2, timestamp }),
        };
        var response = await client.PostAsJsonAsync("/api/v1/metrics/events", body, Ct);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
    }

    private static async Task<List<MetricRollup>> RowsAsync(DashboardFactory factory, string model)
    {
        await using var db = await factory.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);
        return await db.MetricRollups.AsNoTracking().Where(r => r.ModelName == model).OrderBy(r => r.Version).ThenBy(r => r.MinuteStart).ToListAsync(Ct);
    }

    [Fact]
    public async Task Rollups_survive_a_restart_and_the_series_reads_them_back()
    {
        using var database = new TestDatabase();
        var clock = new ManualClock();
        var start = clock.UtcNow;
        var firstMinute = Enumerable.Range(0, 100).Select(i => (LatencyMs: 10.0 + i, Success: i % 10 != 0)).ToList();
        string model;

        await using (var first = new TelemetryFactoryOnFile(database.FilePath) { Clock = clock })
        {
            var client = first.CreateClient();
            model = await ModelAsync(client, "1.0.0");
            clock.Advance(TimeSpan.FromSeconds(5));
            await PostAsync(client, model, firstMinute);
            clock.Advance(TimeSpan.FromSeconds(60));
            await PostAsync(client, model, Enumerable.Repeat((500.0, true), 50));
            clock.Advance(TimeSpan.FromSeconds(10));
            var writer = first.GetRequiredService<MetricRollupWriter>();

            Assert.Equal(2, await writer.FlushAsync(Ct)); // the completed minute, and the one in progress so far
            Assert.Equal(0, await writer.FlushAsync(Ct)); // nothing changed since

            var rows = await RowsAsync(first, model);
            Assert.Equal(new long[] { 100, 50 }, rows.Select(r => r.Requests));
            var row = rows[0];
            Assert.Equal(start, row.MinuteStart);
            Assert.Equal(100, row.Requests);
            Assert.Equal(10, row.Errors);
            Assert.Equal(firstMinute.Sum(e => e.LatencyMs), row.LatencySumMs, 6);
            Assert.Equal(100, row.InputTokens);
            Assert.Equal(200, row.OutputTokens);
            Assert.Equal(109, row.MaxLatencyMs, 6);
            MetricsStoreTests.AssertWithinStatedError(MetricsStoreTests.Exact(firstMinute.Select(e => e.LatencyMs), 95), row.P95LatencyMs);
        }

        // Stopping wrote everything up to the moment it stopped (nothing more here).
        clock.Advance(TimeSpan.FromSeconds(45));
        await using var second = new TelemetryFactoryOnFile(database.FilePath) { Clock = clock };
        Assert.Equal(new long[] { 100, 50 }, (await RowsAsync(second, model)).Select(r => r.Requests));

        var series = await (await second.CreateClient().GetAsync(
                $"/api/v1/metrics/series?model={model}&environment=staging&version=1.0.0&from={MetricsApiTests.Iso(start.AddMinutes(-1))}&to={MetricsApiTests.Iso(start.AddMinutes(3))}&stepSeconds=60", Ct))
            .ReadAsync<MetricSeriesResult>();

        Assert.Equal(new long[] { 0, 100, 50, 0 }, series.Points.Select(p => p.Requests));
        Assert.Equal(start, series.Points[1].Timestamp);
        Assert.Equal(0.1, series.Points[1].ErrorRate);
        Assert.Equal(firstMinute.Average(e => e.LatencyMs), series.Points[1].AvgLatencyMs, 6);
        MetricsStoreTests.AssertWithinStatedError(MetricsStoreTests.Exact(firstMinute.Select(e => e.LatencyMs), 50), series.Points[1].P50LatencyMs);
        Assert.Equal(500, series.Points[2].P99LatencyMs, 6); // never above the exact maximum
    }

    [Fact]
    public async Task A_late_event_is_merged_into_its_minute_row_and_every_changed_minute_goes_in_one_flush()
    {
        await using var factory = new TelemetryFactory();
        var client = factory.CreateClient();
        var model = await ModelAsync(client, "1.0.0", "2.0.0");
        var minute = factory.Clock.UtcNow;
        await PostAsync(client, model, Enumerable.Repeat((100.0, true), 10));
        await PostAsync(client, model, Enumerable.Repeat((200.0, false), 4), version: "2.0.0");
        factory.Clock.Advance(TimeSpan.FromSeconds(70));
        var writer = factory.GetRequiredService<MetricRollupWriter>();

        Assert.Equal(2, await writer.FlushAsync(Ct));
        await PostAsync(client, model, [(400.0, false)], timestamp: minute.AddSeconds(30));
        Assert.Equal(1, await writer.FlushAsync(Ct));

        var rows = await RowsAsync(factory, model);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(minute, r.MinuteStart));
        Assert.Equal(11, rows[0].Requests);
        Assert.Equal(1, rows[0].Errors);
        Assert.Equal(1400, rows[0].LatencySumMs, 6);
        Assert.Equal(400, rows[0].MaxLatencyMs, 6);
        Assert.Equal(4, rows[1].Requests);
        Assert.Equal(4, rows[1].Errors);
    }

    [Fact]
    public async Task The_series_does_not_count_a_flushed_minute_twice()
    {
        await using var factory = new TelemetryFactory();
        var client = factory.CreateClient();
        var model = await ModelAsync(client, "1.0.0");
        var start = factory.Clock.UtcNow;
        await PostAsync(client, model, Enumerable.Repeat((100.0, true), 7));
        factory.Clock.Advance(TimeSpan.FromSeconds(65));
        await PostAsync(client, model, Enumerable.Repeat((100.0, true), 3));
        await factory.GetRequiredService<MetricRollupWriter>().FlushAsync(Ct);

        var series = await (await client.GetAsync(
                $"/api/v1/metrics/series?model={model}&environment=staging&version=1.0.0&from={MetricsApiTests.Iso(start)}&to={MetricsApiTests.Iso(start.AddMinutes(2))}&stepSeconds=60", Ct))
            .ReadAsync<MetricSeriesResult>();

        Assert.Equal(new long[] { 7, 3 }, series.Points.Select(p => p.Requests));
    }
}
