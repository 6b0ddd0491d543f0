using System.Net;
using System.Text.Json;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>
/// <c>POST /api/v1/deployments</c> with bad guard rules, canary plans, strategies and JSON types: always a 400 naming
/// the one field that is wrong, never a 500, and nothing stored — no deployment, snapshot, event or audit entry.
/// Tests in one class run one at a time, so whole-database counts before and after are exact.
/// </summary>
public sealed class GuardRulesApiTests(DeploymentFactory factory) : IClassFixture<DeploymentFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("maxErrorRate", "-1")]
    [InlineData("maxErrorRate", "100.5")]
    [InlineData("maxAvgLatencyMs", "0")]
    [InlineData("maxAvgLatencyMs", "-250")]
    [InlineData("maxP95LatencyMs", "0")]
    [InlineData("minSuccessRate", "-0.1")]
    [InlineData("minSuccessRate", "101")]
    [InlineData("maxLatencyIncreasePercent", "-1")]
    [InlineData("maxLatencyIncreasePercent", "10001")]
    [InlineData("maxErrorRateIncrease", "-1")]
    [InlineData("maxErrorRateIncrease", "101")]
    [InlineData("maxTokensPerRequestIncreasePercent", "-1")]
    [InlineData("maxTokensPerRequestIncreasePercent", "10001")]
    [InlineData("minSamples", "9")]
    [InlineData("minSamples", "1000001")]
    [InlineData("confidence", "0.5")]
    [InlineData("confidence", "0.9999")]
    [InlineData("confidence", "1")]
    [InlineData("watchSeconds", "-1")]
    [InlineData("watchSeconds", "86401")]
    public async Task A_guard_rule_out_of_range_is_400_naming_only_that_field(string field, string value)
    {
        var (model, before) = await ServedModelAsync();

        using var response = await PostAsync(model, "{\"strategy\":\"canary\",\"guard\":{\"" + field + "\":" + value + "}}");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, $"guard.{field}");
        Assert.Equal([$"guard.{field}"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    [Fact]
    public async Task Guard_rules_at_the_edges_of_their_ranges_are_accepted_and_stored_as_given()
    {
        var (model, _) = await ServedModelAsync();
        const string guard = """
            {"autoRollback":false,"maxErrorRate":100,"maxAvgLatencyMs":0.5,"maxP95LatencyMs":0.5,"minSuccessRate":0,
             "maxLatencyIncreasePercent":10000,"maxErrorRateIncrease":0,"maxTokensPerRequestIncreasePercent":0,
             "minSamples":10,"confidence":0.9998,"watchSeconds":86400}
            """;

        using var response = await PostAsync(model, """{"strategy":"canary","guard":""" + guard + "}");

        var stored = (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("guard");
        foreach (var expected in JsonDocument.Parse(guard).RootElement.EnumerateObject())
        {
            Assert.Equal(expected.Value.ToString(), stored.GetProperty(expected.Name).ToString());
        }
    }

    [Theory]
    [InlineData("""{"steps":[50,10,100]}""", "canary.steps")]
    [InlineData("""{"steps":[10,50,50,100]}""", "canary.steps")]
    [InlineData("""{"steps":[10,50]}""", "canary.steps")]
    [InlineData("""{"steps":[]}""", "canary.steps")]
    [InlineData("""{"steps":[0,100]}""", "canary.steps")]
    [InlineData("""{"steps":[-10,100]}""", "canary.steps")]
    [InlineData("""{"steps":[10,50,150]}""", "canary.steps")]
    [InlineData("""{"steps":[1,2,3,4,5,6,7,8,9,10,100]}""", "canary.steps")]
    [InlineData("""{"stepSeconds":0}""", "canary.stepSeconds")]
    [InlineData("""{"stepSeconds":86401}""", "canary.stepSeconds")]
    public async Task A_bad_canary_plan_is_400_naming_the_field(string canary, string field)
    {
        var (model, before) = await ServedModelAsync();

        using var response = await PostAsync(model, """{"strategy":"canary","canary":""" + canary + "}");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    [Theory]
    [InlineData("""{"strategy":"rolling"}""", "strategy")]
    [InlineData("""{"strategy":""}""", "strategy")]
    [InlineData("""{"strategy":"2"}""", "strategy")]
    [InlineData("""{}""", "strategy")]
    [InlineData("""{"strategy":"direct","canary":{"steps":[10,100]}}""", "canary")]
    [InlineData("""{"strategy":"blueGreen","canary":{}}""", "canary")]
    public async Task An_unknown_or_missing_strategy_or_a_plan_for_another_strategy_is_400_naming_the_field(string fields, string field)
    {
        var (model, before) = await ServedModelAsync();

        using var response = await PostAsync(model, fields);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    [Theory]
    [InlineData("""{"strategy":"canary","guard":{"minSamples":"many"}}""", "guard.minSamples")]
    [InlineData("""{"strategy":"canary","guard":{"minSamples":null}}""", "guard.minSamples")]
    [InlineData("""{"strategy":"canary","guard":{"minSamples":12.5}}""", "guard.minSamples")]
    [InlineData("""{"strategy":"canary","guard":{"minSamples":99999999999}}""", "guard.minSamples")]
    [InlineData("""{"strategy":"canary","guard":{"confidence":"high"}}""", "guard.confidence")]
    [InlineData("""{"strategy":"canary","guard":{"autoRollback":"yes"}}""", "guard.autoRollback")]
    [InlineData("""{"strategy":"canary","guard":[10]}""", "guard")]
    [InlineData("""{"strategy":"canary","canary":{"steps":"10,50,100"}}""", "canary.steps")]
    [InlineData("""{"strategy":"canary","canary":{"steps":[10,"fifty",100]}}""", "canary.steps[1]")]
    [InlineData("""{"strategy":"canary","canary":{"stepSeconds":1.5}}""", "canary.stepSeconds")]
    [InlineData("""{"strategy":2}""", "strategy")]
    [InlineData("""{"strategy":"canary","acknowledgeBreakingChange":"yes"}""", "acknowledgeBreakingChange")]
    public async Task A_value_of_the_wrong_json_type_is_400_naming_the_field_not_a_500(string fields, string field)
    {
        var (model, before) = await ServedModelAsync();

        using var response = await PostAsync(model, fields);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    [Fact]
    public async Task A_latency_limit_too_large_for_a_double_is_400_naming_the_field_not_a_500()
    {
        var (model, before) = await ServedModelAsync();

        using var response = await PostAsync(model, """{"strategy":"canary","guard":{"maxAvgLatencyMs":1e400}}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "guard.maxAvgLatencyMs");
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    /// <summary>A model of its own serving 1.0.0 in staging with 1.1.0 registered, and the counts after arranging it.</summary>
    private async Task<(string Model, DatabaseCounts Before)> ServedModelAsync()
    {
        var model = Seed.UniqueName("guard");
        await new DeploymentDriver(factory, _client, model).SeedServedModelAsync("1.0.0", "1.1.0");
        return (model, await DatabaseCounts.ReadAsync(factory));
    }

    /// <summary>Posts a deployment of 1.1.0 to staging: the model, version and environment, then <paramref name="fields"/> (a JSON object).</summary>
    private Task<HttpResponseMessage> PostAsync(string model, string fields)
    {
        var json = $$"""{"model":"{{model}}","version":"1.1.0","environment":"staging"{{(fields == "{}" ? "" : "," + fields[1..^1])}}}""";
        return _client.PostRawJsonAsync("/api/v1/deployments", json);
    }
}
