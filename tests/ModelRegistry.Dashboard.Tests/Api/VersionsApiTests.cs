using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>Versions over REST: register, list, read, edit, compatibility.</summary>
public sealed class VersionsApiTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Registering_a_version_returns_201_with_its_location_and_metadata()
    {
        var model = Seed.UniqueName("ver");
        await Seed.ModelAsync(_client, model);

        var response = await _client.PostAsJsonAsync($"/api/v1/models/{model}/versions", new
        {
            version = "2.0.0-rc.1",
            endpoint = " https://models.example.com/ver/2/ ",
            description = "Release candidate",
            changelog = "New schema.",
            tags = new List<string> { "rc" },
            metadata = new { provider = "openai", contextWindow = 128000, inputPricePer1k = 0.0005m, outputPricePer1k = 0.0015m },
        }, Ct);

        var created = await response.ReadAsync<VersionInfo>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/models/{model}/versions/2.0.0-rc.1", response.Headers.Location?.OriginalString);
        Assert.Equal(model, created.Model);
        Assert.Equal("2.0.0-rc.1", created.Version);
        Assert.Equal("https://models.example.com/ver/2/", created.Endpoint);
        Assert.Equal(VersionStatus.Active, created.Status);
        Assert.Equal(new VersionMetadata("openai", 128000, 0.0005m, 0.0015m), created.Metadata);
        Assert.Equal(["rc"], created.Tags);

        var fetched = await (await _client.GetAsync(response.Headers.Location, Ct)).ReadAsync<VersionInfo>();
        Assert.Equal(created with { Tags = fetched.Tags }, fetched);
        Assert.Equal(created.Tags, fetched.Tags);
        Assert.Equal("New schema.", fetched.Changelog);
    }

    [Fact]
    public async Task The_version_list_is_newest_first_and_the_model_shows_its_latest()
    {
        var model = Seed.UniqueName("list");
        await Seed.ModelAsync(_client, model);
        foreach (var version in new[] { "0.9.0", "1.0.0", "0.10.0", "1.0.0-beta.2", "1.0.0-beta.11" })
        {
            await Seed.VersionAsync(_client, model, version);
        }

        var versions = await (await _client.GetAsync($"/api/v1/models/{model}/versions", Ct)).ReadAsync<List<VersionInfo>>();

        Assert.Equal(["1.0.0", "1.0.0-beta.11", "1.0.0-beta.2", "0.10.0", "0.9.0"], versions.Select(v => v.Version));
        Assert.All(versions, v => Assert.Equal(model, v.Model));
    }

    [Fact]
    public async Task Patching_a_version_changes_description_and_status_and_is_audited()
    {
        var model = Seed.UniqueName("patch");
        await Seed.ModelAsync(_client, model);
        var registered = await Seed.VersionAsync(_client, model, "1.0.0");

        var response = await _client.PatchAsJsonAsync($"/api/v1/models/{model}/versions/1.0.0",
            new { description = "Superseded by 1.1.0", status = "deprecated", concurrencyStamp = registered.ConcurrencyStamp }, Ct);

        var updated = await response.ReadJsonAsync();
        Assert.Equal("deprecated", updated.GetProperty("status").GetString());
        Assert.Equal("Superseded by 1.1.0", updated.GetProperty("description").GetString());
        var stored = await (await _client.GetAsync($"/api/v1/models/{model}/versions/1.0.0", Ct)).ReadAsync<VersionInfo>();
        Assert.Equal(VersionStatus.Deprecated, stored.Status);
        Assert.Equal("Superseded by 1.1.0", stored.Description);
        Assert.Equal(registered.Endpoint, stored.Endpoint);
        Assert.Equal(registered.ConcurrencyStamp + 1, stored.ConcurrencyStamp);

        var audit = await (await _client.GetAsync($"/api/v1/audit?model={model}&version=1.0.0", Ct)).ReadJsonAsync();
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["version.updated", "version.registered"], actions);
    }

    [Fact]
    public async Task Archiving_a_version_without_traffic_is_allowed()
    {
        var model = Seed.UniqueName("archive");
        await Seed.ModelAsync(_client, model);
        await Seed.VersionAsync(_client, model, "1.0.0");

        var updated = await (await _client.PatchAsJsonAsync($"/api/v1/models/{model}/versions/1.0.0", new { status = "archived" }, Ct)).ReadAsync<VersionInfo>();

        Assert.Equal(VersionStatus.Archived, updated.Status);
    }

    [Fact]
    public async Task A_long_changelog_is_kept_whole_and_its_audit_entry_fits_the_audit_columns()
    {
        // SQL Server enforces column lengths (SQLite does not): an audit value longer than its column fails the whole
        // registration there, so every stored audit text must fit the length the schema declares.
        var model = Seed.UniqueName("long");
        await Seed.ModelAsync(_client, model);
        var changelog = string.Concat(Enumerable.Repeat("Fixes a long list of things. ", 200));

        var response = await _client.PostAsJsonAsync($"/api/v1/models/{model}/versions",
            new { version = "1.0.0", endpoint = "https://models.example.com/long/", changelog }, Ct);

        var created = await response.ReadAsync<VersionInfo>(HttpStatusCode.Created);
        Assert.Equal(changelog.Trim(), created.Changelog);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.ModelName == model && e.Action == AuditActions.VersionRegistered, Ct);
        var columns = db.Model.FindEntityType(typeof(AuditEntry))!.GetProperties()
            .Where(p => p.ClrType == typeof(string) && p.GetMaxLength() is not null);
        Assert.All(columns, column =>
        {
            var value = (string?)column.PropertyInfo!.GetValue(entry);
            Assert.True(value is null || value.Length <= column.GetMaxLength(),
                $"AuditEntry.{column.Name} holds {value?.Length} characters; its column allows {column.GetMaxLength()}.");
        });
    }

    [Theory]
    [InlineData("1.2.0", "1.3.0", true, "major version 1")]
    [InlineData("1.3.0", "2.0.0", false, "1 → 2")]
    [InlineData("2.0.0", "1.2.0", false, "2 → 1")]
    public async Task Compatibility_compares_the_majors_of_two_registered_versions(string from, string to, bool compatible, string reasonContains)
    {
        var model = Seed.UniqueName("compat");
        await Seed.ModelAsync(_client, model);
        foreach (var version in new[] { "1.2.0", "1.3.0", "2.0.0" })
        {
            await Seed.VersionAsync(_client, model, version);
        }

        var result = await (await _client.GetAsync($"/api/v1/models/{model}/compatibility?from={from}&to={to}", Ct)).ReadJsonAsync();

        Assert.Equal(compatible, result.GetProperty("compatible").GetBoolean());
        Assert.Contains(reasonContains, result.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
