using System.Net;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>Environments, routes, the audit log, health and the API document.</summary>
public sealed class EnvironmentsAndAuditApiTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Actor Operator = new("olga.operator", ActorRole.Operator);

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Environments_are_staging_then_protected_production()
    {
        var environments = await (await _client.GetAsync("/api/v1/environments", Ct)).ReadJsonAsync();

        var list = environments.EnumerateArray().ToList();
        Assert.Equal(["staging", "production"], list.Select(e => e.GetProperty("name").GetString()));
        Assert.False(list[0].GetProperty("protected").GetBoolean());
        Assert.True(list[1].GetProperty("protected").GetBoolean());
        Assert.All(list, e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task A_route_set_by_the_route_service_is_served_by_the_api()
    {
        var model = Seed.UniqueName("routed");
        await Seed.ModelAsync(_client, model);
        await Seed.VersionAsync(_client, model, "1.0.0");
        await Seed.VersionAsync(_client, model, "1.1.0");
        var routes = factory.GetRequiredService<RouteService>();
        await routes.SetSplitsAsync(Operator, "staging", model, [new("1.0.0", 80), new("1.1.0", 20)], expectedRevision: 0, "canary", Ct);

        var route = await (await _client.GetAsync($"/api/v1/environments/staging/routes/{model}", Ct)).ReadJsonAsync();
        var details = await (await _client.GetAsync($"/api/v1/models/{model}", Ct)).ReadAsync<ModelDetails>();

        Assert.Equal("staging", route.GetProperty("environment").GetString());
        Assert.Equal(model, route.GetProperty("model").GetString());
        Assert.Equal(1, route.GetProperty("revision").GetInt64());
        Assert.Equal(
            [("1.0.0", 80), ("1.1.0", 20)],
            route.GetProperty("splits").EnumerateArray().Select(s => (s.GetProperty("version").GetString(), s.GetProperty("weight").GetInt32())));
        Assert.True(route.TryGetProperty("updatedAt", out _));
        var listed = Assert.Single(details.Routes);
        Assert.Equal("staging", listed.Environment);
        Assert.Equal("1.0.0", listed.PrimaryVersion);
        await (await _client.GetAsync($"/api/v1/environments/production/routes/{model}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_audit_log_filtered_by_model_shows_registrations_with_their_actors()
    {
        var model = Seed.UniqueName("audited");
        var other = Seed.UniqueName("unrelated");
        await Seed.ModelAsync(_client, model);
        await Seed.ModelAsync(_client, other);
        using var ci = factory.CreateApiKeyClient();
        await Seed.VersionAsync(ci, model, "1.0.0");
        await Seed.VersionAsync(_client, other, "1.0.0");

        var audit = await (await _client.GetAsync($"/api/v1/audit?model={model}", Ct)).ReadJsonAsync();

        var entries = audit.GetProperty("items").EnumerateArray()
            .Select(e => (Action: e.GetProperty("action").GetString(), Actor: e.GetProperty("actor").GetString(), Target: e.GetProperty("target").GetString(), Model: e.GetProperty("model").GetString()))
            .ToList();
        Assert.Equal(2, audit.GetProperty("total").GetInt32());
        Assert.Equal(
            [("version.registered", DashboardFactory.ApiKeyActor, $"{model}@1.0.0", model), ("model.registered", DashboardFactory.AnonymousName, model, model)],
            entries);

        var byActor = await (await _client.GetAsync($"/api/v1/audit?actor={Uri.EscapeDataString(DashboardFactory.ApiKeyActor)}&model={other}", Ct)).ReadJsonAsync();
        Assert.Equal(0, byActor.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_audit_log_filters_by_action()
    {
        var model = Seed.UniqueName("acted");
        await Seed.ModelAsync(_client, model);
        await Seed.VersionAsync(_client, model, "1.0.0");

        var audit = await (await _client.GetAsync($"/api/v1/audit?model={model}&action=version.registered", Ct)).ReadJsonAsync();

        Assert.Equal(
            [("version.registered", $"{model}@1.0.0")],
            audit.GetProperty("items").EnumerateArray().Select(e => (e.GetProperty("action").GetString(), e.GetProperty("target").GetString())).ToList());
    }

    [Fact]
    public async Task Health_endpoint_answers_200_with_each_background_worker()
    {
        var response = await _client.GetAsync("/healthz", Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        var health = await response.ReadJsonAsync();
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Contains(health.GetProperty("workers").EnumerateArray(), w => w.GetProperty("name").GetString() == "hub-metrics-tick");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_models_api()
    {
        var response = await _client.GetAsync("/openapi/v1.json", Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        var document = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"/api/v1/models\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/v1/models/{name}/versions\"", document, StringComparison.Ordinal);
    }
}
