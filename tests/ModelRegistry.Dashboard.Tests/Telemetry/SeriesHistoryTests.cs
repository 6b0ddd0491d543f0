using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// Issue 10: the snapshot a chart loads once — the live feed's seconds, and the persisted minute rollups before them, each
/// point with the seconds it covers so that a minute's requests read as a rate per second.
/// </summary>
public sealed class SeriesHistoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Minute_rollups_come_before_the_feed_seconds_and_a_minute_rate_is_its_requests_over_sixty()
    {
        await using var factory = new TelemetryFactory();
        var client = factory.CreateClient();
        var model = Seed.UniqueName("history");
        await Seed.ModelAsync(client, model);
        await Seed.VersionAsync(client, model, "1.0.0");
        var series = new SeriesKey("staging", model, "1.0.0");
        var start = Minute(factory.Clock.UtcNow);

        // 120 requests (a quarter failing) in the first minute, 30 in the second; the rollups are flushed in the third.
        factory.Clock.Advance(start.AddSeconds(5) - factory.Clock.UtcNow);
        await PostAsync(client, model, 120, failEvery: 4);
        factory.Clock.Advance(TimeSpan.FromSeconds(60));
        await PostAsync(client, model, 30);
        factory.Clock.Advance(TimeSpan.FromSeconds(65));
        Assert.True(await factory.GetRequiredService<MetricRollupWriter>().FlushAsync(Ct) > 0);

        // The feed holds the third minute's first ten seconds; second 4 had no traffic for this series.
        var feed = new LiveFeed();
        for (var s = 0; s < 10; s++)
        {
            var at = start.AddMinutes(2).AddSeconds(s);
            feed.Publish(new LiveSecond(at, s == 4 ? new Dictionary<SeriesKey, MetricPoint>() : new() { [series] = Point(at, requests: s + 1) }));
        }

        var history = new SeriesHistory(feed, factory.GetRequiredService<MetricsQueries>(), factory.Clock);
        var points = await history.SinceAsync(series, start, Ct);

        Assert.Equal(12, points.Count);
        Assert.Equal(
            [(start, 60, 120L, 2.0), (start.AddMinutes(1), 60, 30L, 0.5)],
            points.Take(2).Select(p => (p.Point.Timestamp, p.Seconds, p.Point.Requests, p.RequestsPerSecond)));
        Assert.Equal(0.25, points[0].Point.ErrorRate, 6);
        Assert.Equal(
            Enumerable.Range(0, 10).Select(s => (start.AddMinutes(2).AddSeconds(s), 1, s == 4 ? 0.0 : s + 1)),
            points.Skip(2).Select(p => (p.Point.Timestamp, p.Seconds, p.RequestsPerSecond)));

        // From inside the feed's seconds: only those seconds, no minute before them.
        var recent = await history.SinceAsync(series, start.AddMinutes(2).AddSeconds(6), Ct);
        Assert.Equal(Enumerable.Range(6, 4).Select(s => start.AddMinutes(2).AddSeconds(s)), recent.Select(p => p.Point.Timestamp));
        Assert.All(recent, p => Assert.Equal(1, p.Seconds));

        // After a restart the feed is empty: the minutes come from the rollups alone.
        var afterRestart = await new SeriesHistory(new LiveFeed(), factory.GetRequiredService<MetricsQueries>(), factory.Clock).SinceAsync(series, start, Ct);
        Assert.Equal([(start, 2.0), (start.AddMinutes(1), 0.5)], afterRestart.Select(p => (p.Point.Timestamp, p.RequestsPerSecond)));
    }

    private static async Task PostAsync(HttpClient client, string model, int count, int failEvery = 0)
    {
        var events = Enumerable.Range(1, count).Select(i => new { model, version = "1.0.0", environment = "staging", latencyMs = 40.0, success = failEvery == 0 || i % failEvery != 0 });
        var response = await client.PostAsJsonAsync("/api/v1/metrics/events", new { events }, Ct);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
    }

    private static MetricPoint Point(DateTime at, long requests) => new(at, requests, 0, 0, 40, 40, 40, 40, 40, 0, 0);

    private static DateTime Minute(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
}
