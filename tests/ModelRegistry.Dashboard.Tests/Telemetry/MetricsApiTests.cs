using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary><c>/api/v1/metrics/*</c> and <c>/metrics</c> against the real app on a fake clock.</summary>
public sealed class MetricsApiTests(TelemetryFactory factory) : IClassFixture<TelemetryFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly VersionMetadata Prices = new(InputPricePer1k: 0.5m, OutputPricePer1k: 1.5m);

    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> ModelWithVersionsAsync(params string[] versions)
    {
        var model = Seed.UniqueName("tel");
        await Seed.ModelAsync(_client, model);
        foreach (var version in versions)
        {
            await Seed.VersionAsync(_client, model, version, metadata: Prices);
        }

        return model;
    }

    private static Dictionary<string, object?> Event(string model, string version = "1.0.0", double latencyMs = 42, bool success = true, int inputTokens = 10, int outputTokens = 20, string environment = "staging") =>
        new()
        {
            ["model"] = model,
            ["version"] = version,
            ["environment"] = environment,
            ["latencyMs"] = latencyMs,
            ["success"] = success,
            ["inputTokens"] = inputTokens,
            ["outputTokens"] = outputTokens,
        };

    private Task<HttpResponseMessage> PostEventsAsync(IEnumerable<object> events) =>
        _client.PostAsJsonAsync("/api/v1/metrics/events", new { events }, Ct);

    private async Task<MetricsSummary?> SummaryAsync(string model, string version = "1.0.0", int windowSeconds = 60)
    {
        var result = await (await _client.GetAsync($"/api/v1/metrics/summary?model={model}&environment=staging&windowSeconds={windowSeconds}", Ct))
            .ReadAsync<MetricsSummaryResult>();
        return result.Versions.SingleOrDefault(v => v.Version == version);
    }

    [Fact]
    public async Task A_thousand_known_events_give_percentiles_within_the_stated_error_and_exact_rates_tokens_and_cost()
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        var events = MetricsStoreTests.KnownEvents();

        var response = await PostEventsAsync(events.Select(e => Event(model, latencyMs: e.LatencyMs, success: e.Success, inputTokens: e.Input, outputTokens: e.Output)));

        var accepted = await response.ReadAsync<MetricsAccepted>(HttpStatusCode.Accepted);
        Assert.Equal(1000, accepted.Accepted);
        var summary = await SummaryAsync(model);
        Assert.NotNull(summary);
        var latencies = events.Select(e => e.LatencyMs).ToList();
        Assert.Equal(1000, summary.Requests);
        Assert.Equal(0.1, summary.ErrorRate);
        Assert.Equal(0.9, summary.SuccessRate);
        long input = events.Sum(e => (long)e.Input), output = events.Sum(e => (long)e.Output);
        Assert.Equal(input, summary.InputTokens);
        Assert.Equal(output, summary.OutputTokens);
        Assert.Equal((input * 0.5m / 1000m) + (output * 1.5m / 1000m), summary.Cost);
        Assert.Equal(latencies.Average(), summary.AvgLatencyMs, 3);
        MetricsStoreTests.AssertWithinStatedError(MetricsStoreTests.Exact(latencies, 50), summary.P50LatencyMs);
        MetricsStoreTests.AssertWithinStatedError(MetricsStoreTests.Exact(latencies, 95), summary.P95LatencyMs);
        MetricsStoreTests.AssertWithinStatedError(MetricsStoreTests.Exact(latencies, 99), summary.P99LatencyMs);
    }

    [Fact]
    public async Task A_batch_with_one_invalid_event_is_refused_whole_naming_its_index_and_field()
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        await (await PostEventsAsync([Event(model)])).ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        var before = await SummaryAsync(model);

        var batch = Enumerable.Range(0, 10).Select(_ => Event(model)).ToList();
        batch[3]["latencyMs"] = -5;
        var response = await PostEventsAsync(batch);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events[3].latencyMs");
        Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal(before, await SummaryAsync(model));
    }

    [Fact]
    public async Task Every_bad_field_of_every_event_is_named()
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        var batch = new List<Dictionary<string, object?>> { Event(model), Event(model), Event(model), Event(model), Event(model) };
        batch[0]["latencyMs"] = 600_001;
        batch[1].Remove("success");
        batch[2]["inputTokens"] = -1;
        batch[3].Remove("model");
        batch[4]["timestamp"] = factory.Clock.UtcNow.AddMinutes(6);

        var problem = await (await PostEventsAsync(batch)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events[0].latencyMs");

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "events[1].success", "events[2].inputTokens", "events[3].model", "events[4].timestamp" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"'{field}' is not named: {errors}");
        }

        Assert.Contains("5 minutes in the future", errors.GetProperty("events[4].timestamp")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_older_than_the_longest_window_is_refused_saying_so()
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        var old = Event(model);
        old["timestamp"] = factory.Clock.UtcNow.AddMinutes(-16).ToString("O", CultureInfo.InvariantCulture);

        var problem = await (await PostEventsAsync([old])).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events[0].timestamp");

        Assert.Contains("15 minutes", problem.GetProperty("errors").GetProperty("events[0].timestamp")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version", "9.9.9")]
    [InlineData("model", "no-such-model")]
    [InlineData("environment", "moon")]
    public async Task An_unknown_name_is_400_naming_that_field(string field, string value)
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        var unknown = Event(model);
        unknown[field] = value;

        await (await PostEventsAsync([Event(model), unknown])).ShouldBeProblemAsync(HttpStatusCode.BadRequest, $"events[1].{field}");

        Assert.Null(await SummaryAsync(model));
    }

    [Fact]
    public async Task A_version_registered_a_moment_ago_is_accepted_at_once()
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        await (await PostEventsAsync([Event(model)])).ShouldHaveStatusAsync(HttpStatusCode.Accepted); // the cache is loaded now

        await Seed.VersionAsync(_client, model, "1.1.0");

        await (await PostEventsAsync([Event(model, "1.1.0")])).ShouldHaveStatusAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task More_than_ten_thousand_events_is_400_naming_events()
    {
        var model = await ModelWithVersionsAsync("1.0.0");

        var response = await PostEventsAsync(Enumerable.Range(0, 10_001).Select(_ => Event(model)));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events");
        Assert.Null(await SummaryAsync(model));
    }

    [Theory]
    [InlineData("""{}""", "events")]
    [InlineData("""{"events":[]}""", "events")]
    [InlineData("""{"events":[null]}""", "events[0]")]
    [InlineData("""{"events":[{"latencyMs":"fast"}]}""", "events[0].latencyMs")]
    public async Task A_malformed_body_is_400_naming_the_field(string body, string field)
    {
        var response = await _client.PostAsync("/api/v1/metrics/events", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        var padding = new string(' ', 9 * 1024 * 1024);
        var body = $$"""{"events":[{"model":"{{model}}","version":"1.0.0","environment":"staging","latencyMs":1,"success":true}]}{{padding}}""";

        var response = await _client.PostAsync("/api/v1/metrics/events", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body");
        Assert.Null(await SummaryAsync(model));
    }

    [Theory]
    [InlineData("model=support-chat&windowSeconds=abc", "windowSeconds")]
    [InlineData("model=support-chat&windowSeconds=901", "windowSeconds")]
    [InlineData("model=support-chat&windowSeconds=0", "windowSeconds")]
    [InlineData("environment=staging", "model")]
    public async Task Bad_summary_parameters_are_400_naming_the_field(string query, string field)
    {
        var response = await _client.GetAsync($"/api/v1/metrics/summary?{query}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_summary_of_an_unknown_model_is_404()
    {
        var response = await _client.GetAsync("/api/v1/metrics/summary?model=no-such-model", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Prometheus_text_has_help_type_and_a_line_per_version()
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        await (await PostEventsAsync([Event(model, latencyMs: 100), Event(model, latencyMs: 200, success: false), Event(model, latencyMs: 300)]))
            .ShouldHaveStatusAsync(HttpStatusCode.Accepted);

        var response = await _client.GetAsync("/metrics", Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n');
        var labels = $"environment=\"staging\",model=\"{model}\",version=\"1.0.0\"";
        Assert.Contains("# TYPE modelregistry_requests_total counter", lines);
        Assert.Contains(lines, l => l.StartsWith("# HELP modelregistry_requests_total ", StringComparison.Ordinal));
        Assert.Contains($"modelregistry_requests_total{{{labels}}} 3", lines);
        Assert.Contains($"modelregistry_request_errors_total{{{labels}}} 1", lines);
        Assert.Contains($"modelregistry_input_tokens_total{{{labels}}} 30", lines);
        Assert.Contains($"modelregistry_output_tokens_total{{{labels}}} 60", lines);
        Assert.Contains("# TYPE modelregistry_request_latency_seconds gauge", lines);
        var p50 = lines.Single(l => l.StartsWith($"modelregistry_request_latency_seconds{{{labels},quantile=\"0.5\"}} ", StringComparison.Ordinal));
        MetricsStoreTests.AssertWithinStatedError(0.2, double.Parse(p50.Split(' ')[1], CultureInfo.InvariantCulture));
        Assert.All(lines.Where(l => l.Length > 0 && !l.StartsWith('#')), l => Assert.Matches(@"^[a-z_]+\{[^}]*\} [-+0-9.eEInfNa]+$", l));
    }

    [Fact]
    public async Task The_series_shows_live_events_before_any_rollup()
    {
        var model = await ModelWithVersionsAsync("1.0.0");
        await (await PostEventsAsync(Enumerable.Range(0, 25).Select(i => Event(model, latencyMs: 10 + i)))).ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        var now = factory.Clock.UtcNow;

        var series = await (await _client.GetAsync(
                $"/api/v1/metrics/series?model={model}&environment=staging&version=1.0.0&from={Iso(now.AddMinutes(-5))}&to={Iso(now.AddMinutes(1))}&stepSeconds=30", Ct))
            .ReadAsync<MetricSeriesResult>();

        Assert.Equal(12, series.Points.Count);
        Assert.Equal(25, series.Points.Sum(p => p.Requests));
        var point = series.Points.Single(p => p.Requests > 0);
        Assert.True(point.Timestamp <= now && now < point.Timestamp.AddSeconds(30));
        Assert.Equal(22, point.AvgLatencyMs, 6);
    }

    [Theory]
    [InlineData("from=2031-05-01T12:00:00Z&to=2031-05-01T11:00:00Z", "from")]
    [InlineData("from=yesterday", "from")]
    [InlineData("stepSeconds=0", "stepSeconds")]
    [InlineData("from=2031-04-01T00:00:00Z&to=2031-05-01T00:00:00Z&stepSeconds=60", "stepSeconds")]
    public async Task Bad_series_parameters_are_400_naming_the_field(string query, string field)
    {
        var response = await _client.GetAsync($"/api/v1/metrics/series?model=m&environment=staging&version=1.0.0&{query}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    internal static string Iso(DateTime utc) => Uri.EscapeDataString(utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
}

/// <summary>Serving layers post with an Automation key; a browser acting as a Viewer may read but not post.</summary>
public sealed class MetricsAuthorizationTests(ViewerDashboardFactory factory) : IClassFixture<ViewerDashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_viewer_may_not_post_events_but_an_automation_key_may()
    {
        var admin = factory.CreateApiKeyClient();
        var model = Seed.UniqueName("tel");
        using var json = JsonDocument.Parse($$"""{"events":[{"model":"{{model}}","version":"1.0.0","environment":"staging","latencyMs":5,"success":true}]}""");
        var viewer = factory.CreateClient();

        var refused = await viewer.PostAsJsonAsync("/api/v1/metrics/events", json.RootElement, Ct);
        await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        var unknownButAllowed = await admin.PostAsJsonAsync("/api/v1/metrics/events", json.RootElement, Ct);
        await unknownButAllowed.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events[0].model");
    }

    [Fact]
    public async Task Anyone_may_read_the_prometheus_text()
    {
        var response = await factory.CreateClient().GetAsync("/metrics", Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
    }
}
