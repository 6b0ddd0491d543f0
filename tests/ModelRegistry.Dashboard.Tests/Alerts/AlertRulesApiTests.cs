using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Alerts;

public sealed class AlertRulesApiTests : IAsyncLifetime
{
    private readonly DashboardFactory _factory = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task The_default_rules_watch_average_latency_above_2_s_and_error_rate_above_10_percent()
    {
        var rules = await (await _client.GetAsync("/api/v1/alert-rules", Ct)).ReadJsonAsync();

        Assert.Equal(2, rules.GetArrayLength());
        Assert.Contains(rules.EnumerateArray(), r => r.GetProperty("metric").GetString() == "avgLatencyMs"
            && r.GetProperty("comparator").GetString() == "greaterThan" && r.GetProperty("threshold").GetDouble() == 2000
            && r.GetProperty("minSamples").GetInt32() > 0);
        Assert.Contains(rules.EnumerateArray(), r => r.GetProperty("metric").GetString() == "errorRate"
            && r.GetProperty("threshold").GetDouble() == 10 && r.GetProperty("condition").GetString() == "Error rate > 10%");
    }

    [Theory]
    [InlineData("""{"metric":"errorRate","comparator":"greaterThan","threshold":5}""", "name")]
    [InlineData("""{"name":"x","metric":"bogus","comparator":"greaterThan","threshold":5}""", "metric")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"sideways","threshold":5}""", "comparator")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan","threshold":150}""", "threshold")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan"}""", "threshold")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan","threshold":5,"windowSeconds":5}""", "windowSeconds")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan","threshold":5,"minSamples":0}""", "minSamples")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan","threshold":5,"model":"no-such-model"}""", "model")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan","threshold":5,"environment":"moon"}""", "environment")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan","threshold":5,"severity":"apocalyptic"}""", "severity")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan","threshold":5,"cooldownSeconds":-1}""", "cooldownSeconds")]
    [InlineData("""{"name":"x","metric":"errorRate","comparator":"greaterThan","threshold":5,"cooldownSeconds":3601}""", "cooldownSeconds")]
    public async Task A_bad_rule_is_refused_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        var before = await CountRulesAsync();

        using var response = await _client.PostAsync("/api/v1/alert-rules", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await CountRulesAsync());
    }

    [Fact]
    public async Task A_rule_can_be_created_edited_and_deleted_and_each_change_is_audited()
    {
        using var created = await _client.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "Slow p95 in production",
            metric = "p95LatencyMs",
            comparator = "greaterThan",
            threshold = 800,
            windowSeconds = 300,
            forSeconds = 30,
            severity = "critical",
            environment = "production",
        }, Ct);
        var rule = await created.ReadJsonAsync(HttpStatusCode.Created);
        var id = rule.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/alert-rules/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("p95 latency > 800 ms", rule.GetProperty("condition").GetString());

        using var updated = await _client.PutAsJsonAsync($"/api/v1/alert-rules/{id}", new
        {
            name = "Slow p95 in production",
            metric = "p95LatencyMs",
            comparator = "greaterThan",
            threshold = 1200,
            environment = "production",
            concurrencyStamp = rule.GetProperty("concurrencyStamp").GetInt32(),
        }, Ct);
        Assert.Equal(1200, (await updated.ReadJsonAsync()).GetProperty("threshold").GetDouble());

        using var stale = await _client.PutAsJsonAsync($"/api/v1/alert-rules/{id}", new
        {
            name = "Slow p95", metric = "p95LatencyMs", comparator = "greaterThan", threshold = 900, environment = "production",
            concurrencyStamp = rule.GetProperty("concurrencyStamp").GetInt32(),
        }, Ct);
        var conflict = await stale.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(DashboardFactory.AnonymousName, conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var deleted = await _client.DeleteAsync($"/api/v1/alert-rules/{id}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await _client.GetAsync($"/api/v1/alert-rules/{id}", Ct);
        await gone.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var audit = await (await _client.GetAsync("/api/v1/audit?environment=production", Ct)).ReadJsonAsync();
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["alert-rule.deleted", "alert-rule.updated", "alert-rule.created"], actions);
    }

    [Fact]
    public async Task A_rules_cooldown_defaults_to_60_s_and_round_trips_through_create_get_and_replace()
    {
        var defaults = await (await _client.GetAsync("/api/v1/alert-rules", Ct)).ReadJsonAsync();
        Assert.All(defaults.EnumerateArray(), r => Assert.Equal(60, r.GetProperty("cooldownSeconds").GetInt32()));

        using var created = await _client.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "Errors, slow to resolve", metric = "errorRate", comparator = "greaterThan", threshold = 5, cooldownSeconds = 300,
        }, Ct);
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        Assert.Equal(300, (await (await _client.GetAsync($"/api/v1/alert-rules/{id}", Ct)).ReadJsonAsync()).GetProperty("cooldownSeconds").GetInt32());

        using var replaced = await _client.PutAsJsonAsync($"/api/v1/alert-rules/{id}", new
        {
            name = "Errors, resolve at once", metric = "errorRate", comparator = "greaterThan", threshold = 5, cooldownSeconds = 0,
        }, Ct);
        Assert.Equal(0, (await replaced.ReadJsonAsync()).GetProperty("cooldownSeconds").GetInt32());
        Assert.Equal(0, (await (await _client.GetAsync($"/api/v1/alert-rules/{id}", Ct)).ReadJsonAsync()).GetProperty("cooldownSeconds").GetInt32());

        using var unset = await _client.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "Errors, default cooldown", metric = "errorRate", comparator = "greaterThan", threshold = 5,
        }, Ct);
        Assert.Equal(60, (await unset.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("cooldownSeconds").GetInt32());
    }

    [Fact]
    public async Task An_unknown_alert_state_filter_is_refused_naming_state()
    {
        using var response = await _client.GetAsync("/api/v1/alerts?state=exploding", Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "state");
    }

    private async Task<int> CountRulesAsync() =>
        (await (await _client.GetAsync("/api/v1/alert-rules", Ct)).ReadJsonAsync()).GetArrayLength();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}

public sealed class AlertRulesAuthorizationTests
{
    [Fact]
    public async Task A_viewer_may_read_rules_but_not_create_them()
    {
        await using var factory = new ViewerDashboardFactory();
        using var client = factory.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        await (await client.GetAsync("/api/v1/alert-rules", ct)).ReadJsonAsync();
        using var response = await client.PostAsJsonAsync("/api/v1/alert-rules",
            new { name = "x", metric = "errorRate", comparator = "greaterThan", threshold = 5 }, ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(2, (await (await client.GetAsync("/api/v1/alert-rules", ct)).ReadJsonAsync()).GetArrayLength());
    }
}
