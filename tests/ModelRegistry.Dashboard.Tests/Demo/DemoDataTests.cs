using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Demo;

/// <summary>The demo catalogue: believable, seeded through the engine, and seeded once.</summary>
public sealed class DemoDataTests(DemoDashboardFactory factory) : IClassFixture<DemoDashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_demo_catalogue_has_models_versions_and_routes_in_both_environments()
    {
        var catalogue = await (await factory.CreateClient().GetAsync("/api/v1/models", Ct)).ReadAsync<Paged<ModelSummary>>();
        var routes = factory.GetRequiredService<RouteService>();

        Assert.True(catalogue.Total >= 3, $"Only {catalogue.Total} demo models.");
        Assert.Contains(catalogue.Items, m => m.LatestVersion == "2.0.0");
        Assert.All(catalogue.Items, m => Assert.True(m.VersionCount > 0, $"{m.Name} has no versions."));
        Assert.NotEmpty(await routes.ListAsync("staging", cancellationToken: Ct));
        Assert.NotEmpty(await routes.ListAsync("production", cancellationToken: Ct));
    }

    [Fact]
    public async Task Demo_routes_only_name_registered_versions_and_sum_to_100()
    {
        var models = factory.GetRequiredService<ModelService>();
        var catalogue = await models.SearchAsync(new ModelQuery(PageSize: 200), Ct);

        foreach (var summary in catalogue.Items)
        {
            var model = await models.GetAsync(summary.Name, Ct);
            var versions = model.Versions.Select(v => v.Version).ToHashSet();
            Assert.All(model.Routes, route =>
            {
                Assert.Equal(100, route.Splits.Sum(s => s.Weight));
                Assert.All(route.Splits, s => Assert.Contains(s.Version, versions));
            });
        }
    }

    [Fact]
    public async Task Demo_data_is_audited_like_any_other_change()
    {
        var audit = await factory.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(PageSize: 500), Ct);

        Assert.Contains(audit.Items, e => e.Action == AuditActions.ModelRegistered);
        Assert.Contains(audit.Items, e => e.Action == AuditActions.VersionRegistered);
        Assert.Contains(audit.Items, e => e.Action == AuditActions.RouteChanged && e.Environment == "production");
    }

    [Fact]
    public async Task A_second_start_on_the_same_database_does_not_seed_again()
    {
        var before = await DatabaseCounts.ReadAsync(factory);
        Assert.True(before.Models >= 3);

        await using var second = new SharedDatabaseFactory(factory.DatabasePath) { DemoEnabled = true };
        var after = await DatabaseCounts.ReadAsync(second);

        Assert.Equal(before, after);
    }
}

/// <summary>With demo data off (the tests' default), the catalogue starts empty.</summary>
public sealed class NoDemoDataTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    [Fact]
    public async Task Without_demo_data_the_catalogue_is_empty_but_environments_exist()
    {
        var counts = await DatabaseCounts.ReadAsync(factory);
        var environments = await factory.GetRequiredService<RouteService>().ListEnvironmentsAsync(TestContext.Current.CancellationToken);

        // The only audit entries are the two default alert rules, which every database gets.
        Assert.Equal(new DatabaseCounts(0, 0, 0, 2, 0, 0, 0), counts);
        Assert.Equal(2, environments.Count);
    }
}
