using System.Net;
using System.Net.Http.Json;
using System.Text;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>
/// Bad input is refused whole with problem details naming the field, and nothing is stored (DESIGN.md §5 and §7).
/// Tests in one class run one at a time, so whole-database counts before and after are exact.
/// </summary>
public sealed class BadInputTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _client = factory.CreateClient();

    private async Task<(string Model, DatabaseCounts Before)> ModelWithVersionAsync(string version = "1.0.0")
    {
        var model = Seed.UniqueName("bad");
        await Seed.ModelAsync(_client, model);
        await Seed.VersionAsync(_client, model, version);
        return (model, await DatabaseCounts.ReadAsync(factory));
    }

    private async Task AssertNothingStoredAsync(DatabaseCounts before) =>
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));

    private Task<HttpResponseMessage> PostJsonAsync(string url, string json) => _client.PostRawJsonAsync(url, json);

    [Theory]
    [InlineData("Bad Name")]
    [InlineData("a")]
    [InlineData("")]
    [InlineData("-starts-with-hyphen")]
    public async Task An_invalid_model_name_is_400_naming_name(string name)
    {
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await _client.PostAsJsonAsync("/api/v1/models", new { name, displayName = "Whatever" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task A_missing_model_name_is_400_naming_name()
    {
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await PostJsonAsync("/api/v1/models", """{"displayName":"No name"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task Every_problem_of_an_input_is_reported_at_once()
    {
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await _client.PostAsJsonAsync("/api/v1/models", new { name = "Bad Name", owner = new string('o', 201), tags = new List<string> { "Not A Tag" } }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("owner", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("tags", out _), errors.ToString());
        await AssertNothingStoredAsync(before);
    }

    [Theory]
    [InlineData("POST", "/api/v1/models", """{"name":"tagged-null","tags":["ok",null]}""")]
    [InlineData("POST", "/api/v1/models/{model}/versions", """{"version":"1.1.0","endpoint":"https://models.example.com/x/","tags":[null]}""")]
    [InlineData("PATCH", "/api/v1/models/{model}", """{"tags":[null]}""")]
    [InlineData("PATCH", "/api/v1/models/{model}/versions/1.0.0", """{"tags":[null]}""")]
    public async Task A_null_tag_is_400_naming_tags_not_a_500(string method, string url, string body)
    {
        var (model, before) = await ModelWithVersionAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{model}", model, StringComparison.Ordinal))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

        var response = await _client.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "tags");
        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task A_duplicate_model_is_409_naming_name()
    {
        var name = Seed.UniqueName("dup");
        await Seed.ModelAsync(_client, name, displayName: "Original");
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await _client.PostAsJsonAsync("/api/v1/models", new { name, displayName = "Impostor" }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "name");
        Assert.Contains(name, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(before);
        var stored = await (await _client.GetAsync($"/api/v1/models/{name}", Ct)).ReadAsync<ModelDetails>();
        Assert.Equal("Original", stored.DisplayName);
    }

    [Fact]
    public async Task A_version_that_is_not_semver_is_400_naming_version_and_changes_nothing()
    {
        var (model, before) = await ModelWithVersionAsync();
        var versionsBefore = await _client.GetStringAsync($"/api/v1/models/{model}/versions", Ct);
        var auditBefore = await (await _client.GetAsync($"/api/v1/audit?model={model}", Ct)).ReadJsonAsync();

        var response = await _client.PostAsJsonAsync($"/api/v1/models/{model}/versions", new { version = "1.2", endpoint = "https://models.example.com/x/" }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "version");
        Assert.Contains("1.2", problem.GetProperty("errors").GetProperty("version")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(versionsBefore, await _client.GetStringAsync($"/api/v1/models/{model}/versions", Ct));
        var auditAfter = await (await _client.GetAsync($"/api/v1/audit?model={model}", Ct)).ReadJsonAsync();
        Assert.Equal(auditBefore.GetProperty("total").GetInt32(), auditAfter.GetProperty("total").GetInt32());
        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task The_same_valid_version_twice_is_409_naming_version_and_changes_nothing()
    {
        var (model, before) = await ModelWithVersionAsync("1.2.0");
        var versionsBefore = await _client.GetStringAsync($"/api/v1/models/{model}/versions", Ct);
        var auditBefore = await (await _client.GetAsync($"/api/v1/audit?model={model}", Ct)).ReadJsonAsync();

        var response = await _client.PostAsJsonAsync($"/api/v1/models/{model}/versions", new { version = "1.2.0", endpoint = "https://elsewhere.example.com/" }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "version");
        Assert.Contains($"{model}@1.2.0", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(versionsBefore, await _client.GetStringAsync($"/api/v1/models/{model}/versions", Ct));
        var auditAfter = await (await _client.GetAsync($"/api/v1/audit?model={model}", Ct)).ReadJsonAsync();
        Assert.Equal(auditBefore.GetProperty("total").GetInt32(), auditAfter.GetProperty("total").GetInt32());
        await AssertNothingStoredAsync(before);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://models.example.com/")]
    [InlineData("/relative")]
    [InlineData("")]
    public async Task A_bad_endpoint_is_400_naming_endpoint(string endpoint)
    {
        var (model, before) = await ModelWithVersionAsync();

        var response = await _client.PostAsJsonAsync($"/api/v1/models/{model}/versions", new { version = "1.1.0", endpoint }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "endpoint");
        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task A_wrong_json_type_is_400_naming_the_nested_field()
    {
        var (model, before) = await ModelWithVersionAsync();

        var response = await PostJsonAsync($"/api/v1/models/{model}/versions",
            """{"version":"1.1.0","endpoint":"https://models.example.com/x/","metadata":{"contextWindow":"abc"}}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "metadata.contextWindow");
        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task An_out_of_range_metadata_value_is_400_naming_the_field()
    {
        var (model, before) = await ModelWithVersionAsync();

        var response = await _client.PostAsJsonAsync($"/api/v1/models/{model}/versions",
            new { version = "1.1.0", endpoint = "https://models.example.com/x/", metadata = new { contextWindow = 0, inputPricePer1k = -1m } }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "metadata.contextWindow");
        Assert.True(problem.GetProperty("errors").TryGetProperty("metadata.inputPricePer1k", out _));
        await AssertNothingStoredAsync(before);
    }

    [Theory]
    [InlineData("""{"name": "broken", """)]
    [InlineData("""not json at all""")]
    [InlineData("""["an", "array"]""")]
    public async Task A_malformed_json_body_is_400(string body)
    {
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await PostJsonAsync("/api/v1/models", body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out _), problem.ToString());
        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task An_unknown_model_is_404_everywhere()
    {
        var name = Seed.UniqueName("ghost");
        var before = await DatabaseCounts.ReadAsync(factory);

        await (await _client.GetAsync($"/api/v1/models/{name}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync($"/api/v1/models/{name}/versions", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.PatchAsJsonAsync($"/api/v1/models/{name}", new { displayName = "Ghost" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.PostAsJsonAsync($"/api/v1/models/{name}/versions", new { version = "1.0.0", endpoint = "https://models.example.com/" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);

        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task An_unknown_version_is_404()
    {
        var (model, before) = await ModelWithVersionAsync();

        var get = await _client.GetAsync($"/api/v1/models/{model}/versions/9.9.9", Ct);
        var patch = await _client.PatchAsJsonAsync($"/api/v1/models/{model}/versions/9.9.9", new { status = "deprecated" }, Ct);
        var compatibility = await _client.GetAsync($"/api/v1/models/{model}/compatibility?from=1.0.0&to=9.9.9", Ct);

        var problem = await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("9.9.9", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await patch.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await compatibility.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await AssertNothingStoredAsync(before);
    }

    [Fact]
    public async Task Compatibility_with_a_non_semver_argument_is_400_naming_it()
    {
        var (model, _) = await ModelWithVersionAsync();

        var response = await _client.GetAsync($"/api/v1/models/{model}/compatibility?from=1.0&to=1.0.0", Ct);
        var missing = await _client.GetAsync($"/api/v1/models/{model}/compatibility?from=1.0.0", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "from");
        await missing.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "to");
    }

    [Fact]
    public async Task Archiving_a_version_that_serves_traffic_is_409_and_leaves_it_active()
    {
        var (model, _) = await ModelWithVersionAsync();
        var routes = factory.GetRequiredService<RouteService>();
        await routes.SetSplitsAsync(new Actor("olga", ActorRole.Operator), "staging", model, [new SplitInfo("1.0.0", 100)], 0, "first rollout", Ct);
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await _client.PatchAsJsonAsync($"/api/v1/models/{model}/versions/1.0.0", new { status = "archived", description = "gone" }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "status");
        Assert.Contains("staging", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stored = await (await _client.GetAsync($"/api/v1/models/{model}/versions/1.0.0", Ct)).ReadAsync<VersionInfo>();
        Assert.Equal(VersionStatus.Active, stored.Status);
        Assert.Null(stored.Description);
        await AssertNothingStoredAsync(before);
    }

    [Theory]
    [InlineData("retired")]
    [InlineData("")]
    public async Task An_invalid_status_is_400_naming_status(string status)
    {
        var (model, before) = await ModelWithVersionAsync();

        var response = await _client.PatchAsJsonAsync($"/api/v1/models/{model}/versions/1.0.0", new { status, description = "changed" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "status");
        var stored = await (await _client.GetAsync($"/api/v1/models/{model}/versions/1.0.0", Ct)).ReadAsync<VersionInfo>();
        Assert.Equal(VersionStatus.Active, stored.Status);
        Assert.Null(stored.Description);
        await AssertNothingStoredAsync(before);
    }

    [Theory]
    [InlineData("/api/v1/models?page=0", "page")]
    [InlineData("/api/v1/models?pageSize=0", "pageSize")]
    [InlineData("/api/v1/models?pageSize=201", "pageSize")]
    [InlineData("/api/v1/audit?page=0", "page")]
    [InlineData("/api/v1/audit?from=2026-11-27T00:00:00Z&to=2026-11-26T00:00:00Z", "from")]
    public async Task Out_of_range_paging_is_400_naming_the_parameter(string url, string field)
    {
        var response = await _client.GetAsync(url, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_route_in_an_unknown_environment_is_404()
    {
        var (model, _) = await ModelWithVersionAsync();

        var response = await _client.GetAsync($"/api/v1/environments/moon-base/routes/{model}", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("moon-base", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
