using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// <c>POST /api/v1/metrics/aggregates</c>: what standalone gateways ship once a second. Merged aggregates give the same
/// figures as the events they sum (counts, errors by type, tokens, time to first token exactly; percentiles within the
/// histogram's stated error), and bad ones are refused whole, naming the field.
/// </summary>
public sealed class MetricAggregatesTests : IAsyncLifetime
{
    private readonly TelemetryFactory _app = new();
    private readonly string _model = Seed.UniqueName("agg");
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _app.CreateClient();
        await Seed.ModelAsync(_client, _model);
        await Seed.VersionAsync(_client, _model, "1.0.0");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Two_gateways_aggregates_merge_into_the_figures_their_events_would_have_given()
    {
        var series = new SeriesKey("staging", _model, "1.0.0");
        var first = new MetricAccumulator(series);
        var second = new MetricAccumulator(series);
        var latencies = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            var latency = 50 + (i * 7 % 400);
            var failure = i % 10 == 0 ? ErrorTypes.UpstreamError : i % 10 == 5 ? ErrorTypes.RateLimited : null;
            if (failure != ErrorTypes.RateLimited)
            {
                latencies.Add(latency);
            }

            var measurement = new MetricEvent(series, default, latency, failure is null, 20, 10, failure, i % 3 == 0 && failure is null ? 30 : null);
            (i % 2 == 0 ? first : second).Add(in measurement);
        }

        var now = _app.Clock.UtcNow;
        var batch = new MetricAggregateBatch { Source = "test", Aggregates = [first.Drain(now), second.Drain(now)] };
        using (var response = await _client.PostAsJsonAsync("/api/v1/metrics/aggregates", batch, ApiJson.Options, Ct))
        {
            Assert.Equal(2, (await response.ReadAsync<MetricsAccepted>(HttpStatusCode.Accepted)).Accepted);
        }

        var summary = Assert.Single((await _client.GetFromJsonAsync<MetricsSummaryResult>($"/api/v1/metrics/summary?model={_model}&environment=staging", ApiJson.Options, Ct))!.Versions);
        Assert.Equal(270, summary.Requests); // 300 less the 30 rate-limited
        Assert.Equal(30, summary.Errors);
        Assert.Equal(30, summary.RateLimited);
        Assert.Equal((270 * 20L, 270 * 10L), (summary.InputTokens, summary.OutputTokens));
        Assert.Equal(latencies.Average(), summary.AvgLatencyMs, 3);
        MetricsStoreTests.AssertWithinStatedError(MetricsStoreTests.Exact(latencies, 95), summary.P95LatencyMs);
        Assert.Equal(80, summary.StreamedRequests); // every third, less the failures among them
        Assert.Equal(30, summary.AvgTimeToFirstTokenMs, 6);
        Assert.Null(first.Drain(now)); // drained
    }

    [Fact]
    public async Task A_histogram_that_does_not_match_its_requests_is_refused_naming_the_field_and_nothing_is_merged()
    {
        var series = new SeriesKey("staging", _model, "1.0.0");
        var good = new MetricAccumulator(series);
        good.Add(new MetricEvent(series, default, 100, true, 1, 1));
        var now = _app.Clock.UtcNow;
        var first = good.Drain(now)!;
        var batch = new MetricAggregateBatch
        {
            Aggregates =
            [
                first,
                first with { Requests = 5 },
                first with { LatencyHistogram = "not-a-histogram" },
                first with { ErrorsByType = new Dictionary<string, long> { ["upstream_error"] = 2 } },
                first with { Version = "9.9.9" },
            ],
        };

        using var response = await _client.PostAsJsonAsync("/api/v1/metrics/aggregates", batch, ApiJson.Options, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "aggregates[1].latencyHistogram");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "aggregates[2].latencyHistogram", "aggregates[3].errorsByType", "aggregates[4].version" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"'{field}' is not named: {errors}");
        }

        Assert.False(errors.TryGetProperty("aggregates[0]", out _));
        var summary = (await _client.GetFromJsonAsync<MetricsSummaryResult>($"/api/v1/metrics/summary?model={_model}&environment=staging", ApiJson.Options, Ct))!;
        Assert.All(summary.Versions, v => Assert.Equal(0, v.Requests));
    }

    [Fact]
    public async Task A_viewer_may_not_post_aggregates()
    {
        await using var viewerApp = new TelemetryFactory { AnonymousRole = ActorRole.Viewer };
        using var viewer = viewerApp.CreateClient();
        var series = new SeriesKey("staging", _model, "1.0.0");
        var accumulator = new MetricAccumulator(series);
        accumulator.Add(new MetricEvent(series, default, 100, true, 1, 1));

        using var response = await viewer.PostAsJsonAsync("/api/v1/metrics/aggregates",
            new MetricAggregateBatch { Aggregates = [accumulator.Drain(viewerApp.Clock.UtcNow)] }, ApiJson.Options, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
