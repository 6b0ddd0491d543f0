using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// Issue 10: the one shared feed of one-second points — what a page loads once (<see cref="LiveFeed.Recent"/>), what a
/// slow page loses, and what <see cref="LiveFeedWorker"/> publishes from the real <see cref="MetricsStore"/>.
/// </summary>
public sealed class LiveFeedTests
{
    private static readonly SeriesKey Stable = new("staging", "support-chat", "1.0.0");
    private static readonly SeriesKey Canary = new("staging", "support-chat", "1.1.0");
    private static readonly DateTime T0 = TestClocks.Start.UtcDateTime;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Recent_holds_the_last_900_seconds_oldest_first()
    {
        var feed = new LiveFeed();
        for (var s = 0; s < 1000; s++)
        {
            feed.Publish(Second(s, requests: s));
        }

        var recent = feed.Recent(T0);

        Assert.Equal(LiveFeed.RetainedSeconds, recent.Count);
        Assert.Equal(Enumerable.Range(100, 900).Select(At), recent.Select(r => r.At));
        Assert.Equal(999, recent[^1].For(Stable)!.Requests);
        Assert.Equal(At(999), feed.Latest!.At);
        Assert.Equal([At(990), At(991)], feed.Recent(At(990)).Take(2).Select(r => r.At));
    }

    [Fact]
    public void A_second_at_or_before_the_newest_is_ignored()
    {
        var feed = new LiveFeed();
        feed.Publish(Second(10, requests: 1));
        feed.Publish(Second(10, requests: 99));
        feed.Publish(Second(9, requests: 99));

        Assert.Equal(1, Assert.Single(feed.Recent(T0)).For(Stable)!.Requests);
    }

    [Fact]
    public void Seconds_the_worker_skipped_are_missing_not_filled_with_figures_from_15_minutes_before()
    {
        var feed = new LiveFeed();
        for (var s = 0; s < LiveFeed.RetainedSeconds; s++)
        {
            feed.Publish(Second(s, requests: 1000 + s));
        }

        // The worker stalled for 100 s: seconds 900–999 were never published; their slots held seconds 0–99.
        feed.Publish(Second(1000, requests: 7));

        var recent = feed.Recent(T0);
        Assert.Equal([.. Enumerable.Range(101, 799).Select(At), At(1000)], recent.Select(r => r.At));
        Assert.All(recent.SkipLast(1), r => Assert.Equal(1000 + (r.At - T0).TotalSeconds, r.For(Stable)!.Requests));
        Assert.Empty(feed.Recent(At(900)).SkipLast(1));
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_loses_its_oldest_seconds_and_blocks_neither_publish_nor_another_subscriber()
    {
        var feed = new LiveFeed();
        using var slow = feed.Subscribe();
        using var keeping = feed.Subscribe();
        var received = new List<DateTime>();

        // Publish runs on another thread with a deadline: if a full subscriber blocked it, this would time out.
        await Task.Run(() =>
        {
            for (var s = 0; s < 50; s++)
            {
                feed.Publish(Second(s, requests: s));
                while (keeping.Reader.TryRead(out var second))
                {
                    received.Add(second.At);
                }
            }
        }, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(Enumerable.Range(0, 50).Select(At), received);
        var left = new List<DateTime>();
        while (slow.Reader.TryRead(out var second))
        {
            left.Add(second.At);
        }

        // The slow page keeps only the newest few seconds; it never sees the oldest ones again.
        Assert.NotEmpty(left);
        Assert.True(left.Count < 50, $"the slow subscriber kept all {left.Count} seconds");
        Assert.Equal(Enumerable.Range(50 - left.Count, left.Count).Select(At), left);
        Assert.Equal(2, feed.SubscriberCount);
    }

    [Fact]
    public void The_worker_publishes_the_figures_of_the_second_that_just_ended_per_series_with_traffic()
    {
        var clock = TestClocks.New();
        var store = new MetricsStore(clock);
        var feed = new LiveFeed();
        var worker = Worker(clock, store, feed);

        // Second 0: the canary only records traffic three seconds before; in second 3, 4 stable requests (1 failing)
        // and 2 canary ones; in second 4 (not yet ended) stable gets 100 more.
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Record(store, Canary, 5);
        clock.Advance(TimeSpan.FromSeconds(3));
        Record(store, Stable, 3, latencyMs: 100);
        Record(store, Stable, 1, latencyMs: 300, success: false);
        clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(200) + LiveFeedWorker.SettleDelay);
        Record(store, Stable, 100);

        var published = worker.PublishCompletedSecond();

        Assert.Equal(At(3), published.At);
        Assert.Equal([Stable], published.Points.Keys);
        var stable = published.For(Stable)!;
        Assert.Equal((At(3), 4L, 1L, 0.25, 150.0), (stable.Timestamp, stable.Requests, stable.Errors, stable.ErrorRate, stable.AvgLatencyMs));
        Assert.Null(published.For(Canary));
        Assert.Same(published, feed.Latest);

        // The next second: the 100 stable requests, and nothing else.
        clock.Advance(TimeSpan.FromSeconds(1));
        var next = worker.PublishCompletedSecond();
        Assert.Equal((At(4), 100L), (next.At, next.For(Stable)!.Requests));
        Assert.Equal([At(3), At(4)], feed.Recent(T0).Select(s => s.At));
    }

    private static LiveFeedWorker Worker(TimeProvider clock, MetricsStore store, LiveFeed feed) =>
        new(new WorkerHost(new WorkerHealthRegistry(), new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), clock, NullLoggerFactory.Instance), store, feed);

    private static void Record(MetricsStore store, SeriesKey series, int count, double latencyMs = 50, bool success = true)
    {
        var events = Enumerable.Repeat(new MetricEvent(series, default, latencyMs, success, InputTokens: 10, OutputTokens: 20), count).ToArray();
        Assert.Equal(count, store.Record(events));
    }

    private static DateTime At(int second) => T0.AddSeconds(second);

    private static LiveSecond Second(int second, long requests) =>
        new(At(second), new Dictionary<SeriesKey, MetricPoint> { [Stable] = new(At(second), requests, 0, 0, 50, 50, 50, 50, 50, 0, 0) });
}
