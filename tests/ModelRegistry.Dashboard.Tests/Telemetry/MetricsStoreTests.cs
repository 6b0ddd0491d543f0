using Microsoft.Extensions.Time.Testing;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>The aggregation store on its own: exact counts, percentiles within the stated error, windows on a fake clock.</summary>
public sealed class MetricsStoreTests
{
    private static readonly SeriesKey Series = new("staging", "support-chat", "1.0.0");

    private readonly FakeTimeProvider _clock = TestClocks.New();

    private MetricsStore NewStore() => new(_clock);

    private MetricEvent Event(double latencyMs, bool success = true, int input = 0, int output = 0, SeriesKey? series = null, DateTime? at = null) =>
        new(series ?? Series, at ?? _clock.GetUtcNow().UtcDateTime, latencyMs, success, input, output);

    /// <summary>1,000 distinct latencies from 0.25 ms to ~25 s, in a scrambled order; every tenth request fails.</summary>
    internal static IReadOnlyList<(double LatencyMs, bool Success, int Input, int Output)> KnownEvents()
    {
        var events = new List<(double, bool, int, int)>();
        for (var i = 0; i < 1000; i++)
        {
            var rank = (i * 7919) % 1000; // a permutation of 0..999
            var latency = 0.25 * Math.Pow(1.0117, rank) + rank; // spans several powers of two
            events.Add((Math.Round(latency, 3), i % 10 != 0, 100 + i, 2 * i));
        }

        return events;
    }

    /// <summary>Nearest-rank percentile, the definition HdrHistogram uses.</summary>
    internal static double Exact(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Max(1, Math.Round(percentile / 100 * sorted.Count, MidpointRounding.AwayFromZero));
        return sorted[rank - 1];
    }

    internal static void AssertWithinStatedError(double exact, double reported)
    {
        var tolerance = exact * MetricsStore.LatencyRelativeError;
        Assert.True(Math.Abs(reported - exact) <= tolerance, $"reported {reported} ms is not within 1% of the exact {exact} ms");
    }

    [Fact]
    public void Percentiles_are_within_the_stated_error_and_counts_rates_and_tokens_are_exact()
    {
        var store = NewStore();
        var events = KnownEvents();
        foreach (var (latency, success, input, output) in events)
        {
            Assert.True(store.Record(Event(latency, success, input, output)));
        }

        var summary = store.Summarize(Series, TimeSpan.FromSeconds(60));

        var latencies = events.Select(e => e.LatencyMs).ToList();
        Assert.Equal(1000, summary.Requests);
        Assert.Equal(100, summary.Errors);
        Assert.Equal(0.1, summary.ErrorRate);
        Assert.Equal(0.9, summary.SuccessRate);
        Assert.Equal(events.Sum(e => (long)e.Input), summary.InputTokens);
        Assert.Equal(events.Sum(e => (long)e.Output), summary.OutputTokens);
        Assert.Equal((double)events.Sum(e => (long)e.Input + e.Output) / 1000, summary.TokensPerRequest, 9);
        Assert.Equal(latencies.Average(), summary.AvgLatencyMs, 3);
        Assert.Equal(latencies.Max(), summary.MaxLatencyMs, 3);
        AssertWithinStatedError(Exact(latencies, 50), summary.P50LatencyMs);
        AssertWithinStatedError(Exact(latencies, 95), summary.P95LatencyMs);
        AssertWithinStatedError(Exact(latencies, 99), summary.P99LatencyMs);
    }

    [Fact]
    public void A_series_without_events_summarises_as_zeros()
    {
        var summary = NewStore().Summarize(Series, TimeSpan.FromMinutes(5));

        Assert.Equal(0, summary.Requests);
        Assert.Equal(0, summary.ErrorRate);
        Assert.Equal(0, summary.P99LatencyMs);
        Assert.Equal(300, summary.WindowSeconds);
    }

    [Fact]
    public void Events_older_than_the_window_drop_out_of_it()
    {
        var store = NewStore();
        for (var i = 0; i < 10; i++)
        {
            store.Record(Event(100));
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5; i++)
        {
            store.Record(Event(300));
        }

        Assert.Equal(15, store.Summarize(Series, TimeSpan.FromSeconds(60)).Requests);

        _clock.Advance(TimeSpan.FromSeconds(30)); // the first ten are now exactly 60 s old: outside [now-59, now]
        var lastMinute = store.Summarize(Series, TimeSpan.FromSeconds(60));
        Assert.Equal(5, lastMinute.Requests);
        Assert.Equal(300, lastMinute.AvgLatencyMs);
        Assert.Equal(15, store.Summarize(Series, TimeSpan.FromMinutes(5)).Requests);

        _clock.Advance(TimeSpan.FromSeconds(15 * 60));
        Assert.Equal(0, store.Summarize(Series, TimeSpan.FromMinutes(15)).Requests);
        Assert.DoesNotContain(Series, store.ActiveSeries);
    }

    [Fact]
    public void A_summary_since_a_moment_counts_that_moments_whole_second_and_nothing_before_it()
    {
        var store = NewStore();
        store.Record(Event(500)); // the second before
        _clock.Advance(TimeSpan.FromMilliseconds(1400));
        var since = _clock.GetUtcNow();
        store.Record(Event(100));
        _clock.Advance(TimeSpan.FromMilliseconds(700)); // the next second
        store.Record(Event(300));

        var summary = store.SummarizeSince(Series, since);

        Assert.Equal(2, summary.Requests);
        Assert.Equal(200, summary.AvgLatencyMs);
        Assert.Equal(2, summary.WindowSeconds);
        Assert.Equal(1, store.Summarize(Series, TimeSpan.FromSeconds(1)).Requests); // a trailing second misses the first
        Assert.Equal(MetricsStore.LongestWindowSeconds, store.SummarizeSince(Series, since.AddHours(-1)).WindowSeconds);
    }

    [Fact]
    public void Windows_stay_exact_while_seconds_age_into_ten_second_blocks()
    {
        var store = NewStore();
        for (var second = 0; second < 400; second++)
        {
            if (second > 0)
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
            }

            store.Record(Event(10 + second, success: second % 4 != 0, input: 1, output: 2));
        }

        // now is the second of the last event

        var minute = store.Summarize(Series, TimeSpan.FromSeconds(60));
        Assert.Equal(60, minute.Requests);
        Assert.Equal(Enumerable.Range(340, 60).Average(s => 10.0 + s), minute.AvgLatencyMs, 6);
        Assert.Equal(300, store.Summarize(Series, TimeSpan.FromSeconds(300)).Requests);
        var all = store.Summarize(Series, TimeSpan.FromSeconds(900));
        Assert.Equal(400, all.Requests);
        Assert.Equal(100, all.Errors);
        Assert.Equal(400, all.InputTokens);
        Assert.Equal(800, all.OutputTokens);
        AssertWithinStatedError(Exact(Enumerable.Range(0, 400).Select(s => 10.0 + s), 95), all.P95LatencyMs);
    }

    [Fact]
    public void Late_events_count_in_their_own_second_and_too_old_ones_are_not_recorded()
    {
        var store = NewStore();
        var now = _clock.GetUtcNow().UtcDateTime;

        Assert.True(store.Record(Event(50, at: now.AddSeconds(-200))));   // into its ten-second block
        Assert.True(store.Record(Event(50, at: now.AddSeconds(-30))));    // into its one-second bucket
        Assert.True(store.Record(Event(50, at: now.AddMinutes(3))));      // a fast sender clock counts as now
        Assert.False(store.Record(Event(50, at: now.AddSeconds(-900))));  // older than the longest window

        Assert.Equal(1, store.Summarize(Series, TimeSpan.FromSeconds(1)).Requests);
        Assert.Equal(2, store.Summarize(Series, TimeSpan.FromSeconds(60)).Requests);
        Assert.Equal(3, store.Summarize(Series, TimeSpan.FromSeconds(300)).Requests);
    }

    [Fact]
    public void Concurrent_writers_lose_nothing()
    {
        var store = NewStore();
        SeriesKey[] series = [Series, Series with { Version = "1.1.0" }, Series with { Environment = "production" }];
        const int perSeries = 200_000;

        Parallel.For(0, perSeries * series.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var e = new MetricEvent(series[i % series.Length], default, 1 + (i % 5000), i % 7 != 0, 3, 5);
            store.Record(in e);
        });

        foreach (var key in series)
        {
            var summary = store.Summarize(key, TimeSpan.FromSeconds(60));
            Assert.Equal(perSeries, summary.Requests);
            Assert.Equal(Enumerable.Range(0, perSeries * series.Length).Count(i => series[i % series.Length] == key && i % 7 == 0), summary.Errors);
            Assert.Equal(3L * perSeries, summary.InputTokens);
            Assert.Equal(5L * perSeries, summary.OutputTokens);
        }
    }

    [Fact]
    public void Concurrent_batches_across_many_seconds_keep_exact_totals()
    {
        var store = NewStore();
        var start = _clock.GetUtcNow().UtcDateTime;
        const int batches = 2000;
        const int batchSize = 100;

        // Writers spread their events over the last 600 seconds, so both tiers (seconds and blocks) are written at once.
        Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, b =>
        {
            var events = new MetricEvent[batchSize];
            for (var i = 0; i < batchSize; i++)
            {
                events[i] = new MetricEvent(Series, start.AddSeconds(-((b * batchSize) + i) % 600), 20, true, 1, 1);
            }

            Assert.Equal(batchSize, store.Record(events));
        });

        var all = store.Summarize(Series, TimeSpan.FromSeconds(900));
        Assert.Equal(batches * batchSize, all.Requests);
        Assert.Equal(batches * batchSize, all.InputTokens);
    }

    [Fact]
    public void Many_series_whose_names_share_a_hash_stay_apart()
    {
        var store = NewStore();
        // Names that differ only before their last four characters share the cheap lookup hash.
        var keys = Enumerable.Range(0, 300).Select(i => new SeriesKey("staging", $"model-{i}-suffix", "1.0.0")).ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            for (var n = 0; n <= i % 5; n++)
            {
                store.Record(Event(10, series: keys[i]));
            }
        }

        Assert.Equal(300, store.ActiveSeries.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            // A key made of other string instances with the same names finds the same series.
            var copy = new SeriesKey(new string(keys[i].Environment.AsSpan()), new string(keys[i].Model.AsSpan()), new string(keys[i].Version.AsSpan()));
            Assert.Equal((i % 5) + 1, store.Summarize(copy, TimeSpan.FromSeconds(60)).Requests);
        }
    }

    [Fact]
    public void Prometheus_label_values_are_escaped()
    {
        Assert.Equal("a\\\"b\\\\c\\nd", PrometheusExposition.EscapeLabelValue("a\"b\\c\nd"));
    }
}
