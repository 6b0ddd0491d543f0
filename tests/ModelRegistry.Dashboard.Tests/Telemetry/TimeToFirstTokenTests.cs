using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// Time to first token: measured for streamed answers only, shown as the streamed requests' count, average and maximum
/// in summaries, series points and Prometheus, and kept in the minute rollups across a restart.
/// </summary>
public sealed class TimeToFirstTokenTests
{
    private static readonly SeriesKey Series = new("staging", "support-chat", "1.0.0");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Only_streamed_answers_carry_a_time_to_first_token_and_the_summary_describes_just_those()
    {
        var clock = TestClocks.New();
        var store = new MetricsStore(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        store.Record(new MetricEvent(Series, now, 900, true, 10, 90, TimeToFirstTokenMs: 40));
        store.Record(new MetricEvent(Series, now, 1100, true, 10, 90, TimeToFirstTokenMs: 80));
        store.Record(new MetricEvent(Series, now, 300, true, 10, 20));
        store.Record(new MetricEvent(Series, now, 5, false, 0, 0, ErrorTypes.RateLimited, TimeToFirstTokenMs: 1));

        var summary = store.Summarize(Series, TimeSpan.FromSeconds(60));

        Assert.Equal(3, summary.Requests);
        Assert.Equal(2, summary.StreamedRequests);
        Assert.Equal(60, summary.AvgTimeToFirstTokenMs, 3);
        Assert.Equal(80, summary.MaxTimeToFirstTokenMs, 3);
    }

    [Fact]
    public void A_series_without_streams_shows_zero_rather_than_a_made_up_figure()
    {
        var clock = TestClocks.New();
        var store = new MetricsStore(clock);
        store.Record(new MetricEvent(Series, clock.GetUtcNow().UtcDateTime, 300, true, 10, 20));

        var summary = store.Summarize(Series, TimeSpan.FromSeconds(60));

        Assert.Equal((0L, 0.0, 0.0), (summary.StreamedRequests, summary.AvgTimeToFirstTokenMs, summary.MaxTimeToFirstTokenMs));
        Assert.Contains("modelregistry_streamed_requests_total{environment=\"staging\",model=\"support-chat\",version=\"1.0.0\"} 0",
            new PrometheusExposition(store).Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posted_times_to_first_token_reach_the_summary_the_series_and_the_rollups_across_a_restart()
    {
        using var database = new TestDatabase();
        var clock = new ManualClock();
        var model = Seed.UniqueName("ttft");
        var start = clock.UtcNow;
        await using (var app = new TelemetryFactoryOnFile(database.FilePath) { Clock = clock })
        {
            var client = app.CreateClient();
            await Seed.ModelAsync(client, model);
            await Seed.VersionAsync(client, model, "1.0.0");
            start = clock.UtcNow;
            var body = new
            {
                events = new object[]
                {
                    new { model, version = "1.0.0", environment = "staging", latencyMs = 1000, success = true, timeToFirstTokenMs = 120 },
                    new { model, version = "1.0.0", environment = "staging", latencyMs = 1400, success = true, timeToFirstTokenMs = 180 },
                    new { model, version = "1.0.0", environment = "staging", latencyMs = 200, success = true },
                },
            };
            (await client.PostAsJsonAsync("/api/v1/metrics/events", body, Ct)).EnsureSuccessStatusCode();

            var summary = await client.GetFromJsonAsync<MetricsSummaryResult>($"/api/v1/metrics/summary?model={model}&environment=staging", Ct);
            var version = Assert.Single(summary!.Versions);
            Assert.Equal((3L, 2L, 150.0, 180.0), (version.Requests, version.StreamedRequests, Math.Round(version.AvgTimeToFirstTokenMs), Math.Round(version.MaxTimeToFirstTokenMs)));

            clock.Advance(TimeSpan.FromSeconds(70));
            await app.GetRequiredService<MetricRollupWriter>().FlushAsync(Ct);
        }

        await using var restarted = new TelemetryFactoryOnFile(database.FilePath) { Clock = clock };
        await using (var db = await restarted.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct))
        {
            var row = await db.MetricRollups.AsNoTracking().SingleAsync(r => r.ModelName == model, Ct);
            Assert.Equal((2L, 300.0, 180.0), (row.StreamedRequests, Math.Round(row.TimeToFirstTokenSumMs), Math.Round(row.MaxTimeToFirstTokenMs)));
        }

        var minute = new DateTime(start.Ticks - (start.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
        var series = await (await restarted.CreateClient().GetAsync(
                $"/api/v1/metrics/series?model={model}&environment=staging&version=1.0.0&from={MetricsApiTests.Iso(minute.AddMinutes(-1))}&to={MetricsApiTests.Iso(minute.AddMinutes(1))}&stepSeconds=60", Ct))
            .ReadAsync<MetricSeriesResult>();
        var point = Assert.Single(series.Points, p => p.Requests > 0);
        Assert.Equal((2L, 150.0), (point.StreamedRequests, Math.Round(point.AvgTimeToFirstTokenMs)));
    }

    [Theory]
    [InlineData("1500")]
    [InlineData("-1")]
    public async Task A_time_to_first_token_outside_zero_to_the_latency_is_refused_naming_the_field_and_nothing_is_stored(string firstToken)
    {
        await using var app = new TelemetryFactory();
        var client = app.CreateClient();
        var model = Seed.UniqueName("ttft");
        await Seed.ModelAsync(client, model);
        await Seed.VersionAsync(client, model, "1.0.0");
        var json = $$"""
            {"events":[
              {"model":"{{model}}","version":"1.0.0","environment":"staging","latencyMs":1000,"success":true},
              {"model":"{{model}}","version":"1.0.0","environment":"staging","latencyMs":1000,"success":true,"timeToFirstTokenMs":{{firstToken}}}
            ]}
            """;

        var problem = await (await client.PostRawJsonAsync("/api/v1/metrics/events", json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events[1].timeToFirstTokenMs");

        Assert.Contains("latencyMs", problem.GetProperty("errors").GetProperty("events[1].timeToFirstTokenMs")[0].GetString(), StringComparison.Ordinal);
        var summary = await client.GetFromJsonAsync<MetricsSummaryResult>($"/api/v1/metrics/summary?model={model}&environment=staging", Ct);
        Assert.All(summary!.Versions, v => Assert.Equal(0, v.Requests));
    }
}
