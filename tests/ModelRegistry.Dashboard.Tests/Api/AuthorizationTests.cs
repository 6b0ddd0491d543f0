using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>
/// Roles are enforced by the engine: a Viewer (the anonymous actor here) may read but not change; an API key acts
/// with its own role; a key that matches nothing is refused outright.
/// </summary>
public sealed class AuthorizationTests(ViewerDashboardFactory factory) : IClassFixture<ViewerDashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _viewer = factory.CreateClient();

    [Fact]
    public async Task A_viewer_may_read_but_registering_a_model_is_403_and_stores_nothing()
    {
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await _viewer.PostAsJsonAsync("/api/v1/models", new { name = Seed.UniqueName("viewer") }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Viewer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
        await (await _viewer.GetAsync("/api/v1/models", Ct)).ShouldHaveStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_automation_key_registers_models_and_versions_under_its_own_name()
    {
        using var ci = factory.CreateApiKeyClient();
        var model = Seed.UniqueName("ci");

        var created = await Seed.ModelAsync(ci, model);
        var version = await Seed.VersionAsync(ci, model, "1.0.0");

        Assert.Equal(DashboardFactory.ApiKeyActor, created.CreatedBy);
        Assert.Equal(DashboardFactory.ApiKeyActor, version.CreatedBy);
        var stored = await (await _viewer.GetAsync($"/api/v1/models/{model}/versions/1.0.0", Ct)).ReadAsync<VersionInfo>();
        Assert.Equal(DashboardFactory.ApiKeyActor, stored.CreatedBy);
    }

    [Fact]
    public async Task A_viewer_may_not_register_a_version_even_on_an_existing_model()
    {
        using var ci = factory.CreateApiKeyClient();
        var model = Seed.UniqueName("ro");
        await Seed.ModelAsync(ci, model);
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await _viewer.PostAsJsonAsync($"/api/v1/models/{model}/versions", new { version = "1.0.0", endpoint = "https://models.example.com/" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    [Fact]
    public async Task An_automation_key_may_not_edit_a_model()
    {
        using var ci = factory.CreateApiKeyClient();
        var model = Seed.UniqueName("noedit");
        await Seed.ModelAsync(ci, model);
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await ci.PatchAsJsonAsync($"/api/v1/models/{model}", new { displayName = "Renamed" }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Operator", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    [Theory]
    [InlineData("GET", "/api/v1/models")]
    [InlineData("POST", "/api/v1/models")]
    public async Task A_wrong_api_key_is_401(string method, string url)
    {
        using var intruder = factory.CreateApiKeyClient("not-the-right-key-at-all");
        var before = await DatabaseCounts.ReadAsync(factory);

        using var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = method == "POST" ? JsonContent.Create(new { name = Seed.UniqueName("intruder") }) : null,
        };
        var response = await intruder.SendAsync(request, Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }
}

/// <summary>With an Admin anonymous actor a wrong key must still be refused, not fall back to the anonymous actor.</summary>
public sealed class WrongApiKeyWithAdminAnonymousTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    [Fact]
    public async Task A_wrong_api_key_does_not_act_as_the_anonymous_admin()
    {
        using var intruder = factory.CreateApiKeyClient("not-the-right-key-at-all");
        var before = await DatabaseCounts.ReadAsync(factory);

        var response = await intruder.PostAsJsonAsync("/api/v1/models", new { name = Seed.UniqueName("intruder") }, TestContext.Current.CancellationToken);

        await response.ShouldHaveStatusAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }
}
