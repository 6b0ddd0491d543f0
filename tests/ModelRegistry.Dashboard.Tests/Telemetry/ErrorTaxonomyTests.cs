using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// The error taxonomy: rate-limited and client-error requests are tracked apart and never count as a version failure;
/// upstream errors, timeouts and connection failures do.
/// </summary>
public sealed class ErrorTaxonomyTests
{
    private static readonly SeriesKey Series = new("staging", "support-chat", "1.0.0");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Rate_limited_and_client_errors_are_counted_apart_from_the_versions_requests_errors_and_latency()
    {
        var clock = TestClocks.New();
        var store = new MetricsStore(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < 80; i++)
        {
            store.Record(new MetricEvent(Series, now, 100, true, 10, 20));
        }

        store.Record(new MetricEvent(Series, now, 900, false, 0, 0, ErrorTypes.UpstreamError));
        store.Record(new MetricEvent(Series, now, 30_000, false, 0, 0, ErrorTypes.Timeout));
        for (var i = 0; i < 30; i++)
        {
            store.Record(new MetricEvent(Series, now, 1, false, 0, 0, ErrorTypes.RateLimited));
        }

        for (var i = 0; i < 5; i++)
        {
            store.Record(new MetricEvent(Series, now, 2, false, 0, 0, ErrorTypes.ClientError));
        }

        var summary = store.Summarize(Series, TimeSpan.FromSeconds(60));

        Assert.Equal(82, summary.Requests);
        Assert.Equal(2, summary.Errors);
        Assert.Equal(2.0 / 82, summary.ErrorRate, 9);
        Assert.Equal(30, summary.RateLimited);
        Assert.Equal(5, summary.ClientErrors);
        // The 1–2 ms refusals do not drag the version's latency down.
        Assert.True(summary.P50LatencyMs >= 99, $"p50 {summary.P50LatencyMs} ms counts the refusals");
    }

    [Fact]
    public void A_second_with_only_refusals_still_shows_them()
    {
        var clock = TestClocks.New();
        var store = new MetricsStore(clock);
        store.Record(new MetricEvent(Series, clock.GetUtcNow().UtcDateTime, 1, false, 0, 0, ErrorTypes.RateLimited));

        var summary = store.Summarize(Series, TimeSpan.FromSeconds(60));

        Assert.Equal(0, summary.Requests);
        Assert.Equal(0, summary.ErrorRate);
        Assert.Equal(1, summary.RateLimited);
    }

    [Fact]
    public async Task Posted_events_follow_the_taxonomy_and_the_rollups_keep_it_across_a_restart()
    {
        using var database = new TestDatabase();
        var clock = new ManualClock();
        var model = Seed.UniqueName("taxonomy");
        await using (var app = new TelemetryFactoryOnFile(database.FilePath) { Clock = clock })
        {
            var client = app.CreateClient();
            await Seed.ModelAsync(client, model);
            await Seed.VersionAsync(client, model, "1.0.0");
            clock.Advance(TimeSpan.FromSeconds(5));
            string?[] types = [null, null, null, ErrorTypes.RateLimited, ErrorTypes.RateLimited, ErrorTypes.ClientError, ErrorTypes.UpstreamError];
            var body = new
            {
                events = types.Select(t => new { model, version = "1.0.0", environment = "staging", latencyMs = 50, success = t is null, errorType = t }),
            };
            var response = await client.PostAsJsonAsync("/api/v1/metrics/events", body, Ct);
            await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);

            var summary = await client.GetFromJsonAsync<MetricsSummaryResult>($"/api/v1/metrics/summary?model={model}&environment=staging", Ct);
            var version = Assert.Single(summary!.Versions);
            Assert.Equal((4, 1, 2, 1), (version.Requests, version.Errors, version.RateLimited, version.ClientErrors));

            clock.Advance(TimeSpan.FromSeconds(70));
            await app.GetRequiredService<MetricRollupWriter>().FlushAsync(Ct);
        }

        await using var restarted = new TelemetryFactoryOnFile(database.FilePath) { Clock = clock };
        await using var db = await restarted.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);
        var row = await db.MetricRollups.AsNoTracking().SingleAsync(r => r.ModelName == model, Ct);
        Assert.Equal((4, 1, 2, 1), (row.Requests, row.Errors, row.RateLimited, row.ClientErrors));
    }
}
