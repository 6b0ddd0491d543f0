using System.Net;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>Query values at the edges of their types: dates at the ends of time, pages whose offset overflows, numbers that do not bind.</summary>
public sealed class HostileQueryTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("to=0001-01-01T00:00:00Z", "to")]
    [InlineData("from=0001-01-01T00:00:00Z", "from")]
    [InlineData("to=9999-12-31T23:59:59.9999999Z", "to")]
    [InlineData("from=1969-12-31T23:59:59Z&to=1970-01-01T01:00:00Z", "from")]
    public async Task A_series_time_at_the_ends_of_time_is_400_naming_it_not_a_500(string range, string field)
    {
        var model = Seed.UniqueName("ends");
        await Seed.ModelAsync(_client, model);
        await Seed.VersionAsync(_client, model, "1.0.0");

        using var response = await _client.GetAsync($"/api/v1/metrics/series?model={model}&environment=staging&version=1.0.0&{range}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_series_from_the_epoch_is_answered()
    {
        var model = Seed.UniqueName("epoch");
        await Seed.ModelAsync(_client, model);
        await Seed.VersionAsync(_client, model, "1.0.0");

        using var response = await _client.GetAsync($"/api/v1/metrics/series?model={model}&environment=staging&version=1.0.0&to=1970-01-01T00:00:00Z", Ct);

        var series = await response.ReadJsonAsync();
        Assert.Equal(60, series.GetProperty("points").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/v1/models")]
    [InlineData("/api/v1/audit")]
    [InlineData("/api/v1/alerts")]
    public async Task A_page_whose_offset_overflows_is_400_naming_page_not_a_wrong_page(string list)
    {
        using var response = await _client.GetAsync($"{list}?page=20000000&pageSize=200", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "page");
    }

    [Theory]
    [InlineData("/api/v1/models")]
    [InlineData("/api/v1/audit")]
    [InlineData("/api/v1/alerts")]
    public async Task The_last_page_whose_offset_fits_is_an_empty_page(string list)
    {
        var last = (int.MaxValue / 200) + 1;

        using var response = await _client.GetAsync($"{list}?page={last}&pageSize=200", Ct);

        var page = await response.ReadJsonAsync();
        Assert.Equal(last, page.GetProperty("page").GetInt32());
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/v1/models?page=99999999999", "page")]
    [InlineData("/api/v1/models?pageSize=abc", "pageSize")]
    [InlineData("/api/v1/audit?page=1.5", "page")]
    [InlineData("/api/v1/audit?from=not-a-date", "from")]
    [InlineData("/api/v1/audit?to=9999-12-31T23:59:59-14:00", "to")]
    [InlineData("/api/v1/alerts?pageSize=-99999999999999999999", "pageSize")]
    public async Task A_query_value_that_does_not_convert_is_400_naming_it(string url, string field)
    {
        using var response = await _client.GetAsync(url, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }
}
