using System.Net;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>The catalogue over REST: register, search and page, read, edit.</summary>
public sealed class ModelsApiTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Registering_a_model_returns_201_with_its_location_and_stores_it()
    {
        var name = Seed.UniqueName("chat");

        var response = await _client.PostAsJsonAsync("/api/v1/models",
            new { name, displayName = "Chat", description = "Answers questions.", owner = "care", tags = new List<string> { "chat", "gpt" } }, Ct);

        var created = await response.ReadAsync<ModelSummary>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/models/{name}", response.Headers.Location?.OriginalString);
        Assert.Equal(name, created.Name);
        Assert.Equal("Chat", created.DisplayName);
        Assert.Equal("care", created.Owner);
        Assert.Equal(["chat", "gpt"], created.Tags);
        Assert.Equal(0, created.VersionCount);
        Assert.Null(created.LatestVersion);
        Assert.Equal(DashboardFactory.AnonymousName, created.CreatedBy);

        var stored = await (await _client.GetAsync(response.Headers.Location, Ct)).ReadAsync<ModelDetails>();
        Assert.Equal("Answers questions.", stored.Description);
        Assert.Equal(DateTimeKind.Utc, stored.CreatedAt.Kind);
        Assert.Empty(stored.Versions);
        Assert.Empty(stored.Routes);
    }

    [Fact]
    public async Task A_model_without_display_name_is_shown_by_its_name()
    {
        var name = Seed.UniqueName("plain");

        var created = await Seed.ModelAsync(_client, name);

        Assert.Equal(name, created.DisplayName);
    }

    [Fact]
    public async Task The_list_filters_by_owner_tag_and_search_and_pages_with_a_total()
    {
        var owner = Seed.UniqueName("team");
        var tag = Seed.UniqueName("tag");
        var word = Seed.UniqueName("word");
        var a = await Seed.ModelAsync(_client, Seed.UniqueName("a"), owner, [tag]);
        var b = await Seed.ModelAsync(_client, Seed.UniqueName("b"), owner, [tag, "other"], description: $"Mentions {word} here.");
        var c = await Seed.ModelAsync(_client, Seed.UniqueName("c"), owner, displayName: $"Has {word}");
        await Seed.ModelAsync(_client, Seed.UniqueName("d"), Seed.UniqueName("elsewhere"), [tag]);
        string[] byName = [.. new[] { a.Name, b.Name, c.Name }.Order(StringComparer.Ordinal)];

        var byOwner = await (await _client.GetAsync($"/api/v1/models?owner={owner}", Ct)).ReadJsonAsync();
        Assert.Equal(3, byOwner.GetProperty("total").GetInt32());
        Assert.Equal(1, byOwner.GetProperty("page").GetInt32());
        Assert.Equal(50, byOwner.GetProperty("pageSize").GetInt32());
        Assert.Equal(byName, byOwner.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var page2 = await (await _client.GetAsync($"/api/v1/models?owner={owner}&page=2&pageSize=2", Ct)).ReadJsonAsync();
        Assert.Equal(3, page2.GetProperty("total").GetInt32());
        Assert.Equal(2, page2.GetProperty("page").GetInt32());
        Assert.Equal(2, page2.GetProperty("pageSize").GetInt32());
        Assert.Equal([byName[2]], page2.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var byTag = await (await _client.GetAsync($"/api/v1/models?tag={tag}&owner={owner}", Ct)).ReadJsonAsync();
        Assert.Equal(
            new[] { a.Name, b.Name }.Order(StringComparer.Ordinal),
            byTag.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var tagOnly = await (await _client.GetAsync($"/api/v1/models?tag={tag}", Ct)).ReadJsonAsync();
        Assert.Equal(3, tagOnly.GetProperty("total").GetInt32());

        var bySearch = await (await _client.GetAsync($"/api/v1/models?search={word}", Ct)).ReadJsonAsync();
        Assert.Equal(
            new[] { b.Name, c.Name }.Order(StringComparer.Ordinal),
            bySearch.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Search_treats_like_wildcards_literally()
    {
        var name = Seed.UniqueName("wild");
        await Seed.ModelAsync(_client, name, description: "Costs 100% less");

        var percent = await (await _client.GetAsync($"/api/v1/models?search={Uri.EscapeDataString("100%")}", Ct)).ReadJsonAsync();
        var underscore = await (await _client.GetAsync($"/api/v1/models?search={Uri.EscapeDataString(name[..4] + "_")}", Ct)).ReadJsonAsync();

        Assert.Contains(percent.GetProperty("items").EnumerateArray(), i => i.GetProperty("name").GetString() == name);
        Assert.Equal(0, underscore.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_model_lists_its_versions_newest_first_by_precedence()
    {
        var name = Seed.UniqueName("sorted");
        await Seed.ModelAsync(_client, name);
        foreach (var version in new[] { "1.2.0-rc.1", "1.10.0", "1.0.0", "1.9.0", "1.2.0" })
        {
            await Seed.VersionAsync(_client, name, version);
        }

        var model = await (await _client.GetAsync($"/api/v1/models/{name}", Ct)).ReadAsync<ModelDetails>();
        var summary = await (await _client.GetAsync($"/api/v1/models?search={name}", Ct)).ReadJsonAsync();

        Assert.Equal(["1.10.0", "1.9.0", "1.2.0", "1.2.0-rc.1", "1.0.0"], model.Versions.Select(v => v.Version));
        var item = Assert.Single(summary.GetProperty("items").EnumerateArray());
        Assert.Equal(5, item.GetProperty("versionCount").GetInt32());
        Assert.Equal("1.10.0", item.GetProperty("latestVersion").GetString());
    }

    [Fact]
    public async Task Patching_a_model_changes_only_the_fields_sent_and_bumps_its_stamp()
    {
        var name = Seed.UniqueName("edit");
        var created = await Seed.ModelAsync(_client, name, "before-team", ["old"], "Before", "Old description");

        var response = await _client.PatchAsJsonAsync($"/api/v1/models/{name}",
            new { displayName = "After", tags = new List<string> { "new", "shiny" }, concurrencyStamp = created.ConcurrencyStamp }, Ct);

        var updated = await response.ReadAsync<ModelSummary>();
        Assert.Equal("After", updated.DisplayName);
        Assert.Equal(created.ConcurrencyStamp + 1, updated.ConcurrencyStamp);
        var stored = await (await _client.GetAsync($"/api/v1/models/{name}", Ct)).ReadAsync<ModelDetails>();
        Assert.Equal("After", stored.DisplayName);
        Assert.Equal(["new", "shiny"], stored.Tags);
        Assert.Equal("Old description", stored.Description);
        Assert.Equal("before-team", stored.Owner);
        Assert.Equal(DashboardFactory.AnonymousName, stored.UpdatedBy);

        var cleared = await (await _client.PatchAsJsonAsync($"/api/v1/models/{name}", new { description = "", owner = "after-team" }, Ct)).ReadAsync<ModelSummary>();
        Assert.Null(cleared.Description);
        Assert.Equal("after-team", cleared.Owner);
        Assert.Equal("After", cleared.DisplayName);
    }
}
