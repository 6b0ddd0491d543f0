using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// Issue 9's bounded telemetry: <c>Telemetry:MaxLiveSeries</c> caps the series the live store holds; a batch naming a
/// new series past the cap is refused whole with 429 naming the cap and the series; held series keep recording; idle
/// series that no route names are evicted and give their room back.
/// </summary>
public sealed class LiveSeriesLimitTests
{
    private const int Cap = 50;

    private static readonly string[] ThreeMajors = ["1.0.0", "2.0.0", "3.0.0"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_cap_of_50_a_51st_series_gets_429_naming_the_cap_and_held_series_keep_recording()
    {
        await using var factory = new CappedTelemetryFactory();
        var client = factory.CreateClient();
        var model = await ModelWithVersionsAsync(client, Cap + 1);
        var store = factory.GetRequiredService<MetricsStore>();

        // One event for each of the 50 series fills the store to its cap.
        var fill = await PostAsync(client, Enumerable.Range(1, Cap).Select(v => Event(model, v)));
        await fill.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        Assert.Equal(Cap, store.LiveSeriesCount);

        // Held series first, then the 51st: the batch is refused whole, naming the cap and the first series past it.
        var refused = await PostAsync(client, [Event(model, 1), Event(model, 2), Event(model, 3), Event(model, Cap + 1), Event(model, 4)]);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var problem = await refused.ReadJsonAsync(HttpStatusCode.TooManyRequests);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("limit of 50 live series", detail, StringComparison.Ordinal);
        Assert.Contains("Telemetry:MaxLiveSeries", detail, StringComparison.Ordinal);
        Assert.Contains($"staging/{model}@{Cap + 1}.0.0", detail, StringComparison.Ordinal);
        Assert.Equal(Cap, problem.GetProperty("maxLiveSeries").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("events[3]", out _));

        // Nothing of the refused batch was stored: not the held series' events, not the new series.
        Assert.Equal(Cap, store.LiveSeriesCount);
        Assert.Equal(1, Requests(store, model, 1));
        Assert.Equal(0, Requests(store, model, Cap + 1));

        // Events of held series still land.
        var held = await PostAsync(client, [Event(model, 1), Event(model, 1), Event(model, Cap)]);
        Assert.Equal(3, (await held.ReadAsync<MetricsAccepted>(HttpStatusCode.Accepted)).Accepted);
        Assert.Equal(3, Requests(store, model, 1));
        Assert.Equal(2, Requests(store, model, Cap));
    }

    [Fact]
    public async Task Idle_series_that_no_route_names_are_evicted_and_their_room_goes_to_new_series()
    {
        await using var factory = new CappedTelemetryFactory();
        var client = factory.CreateClient();
        var model = await ModelWithVersionsAsync(client, Cap + 1);
        var store = factory.GetRequiredService<MetricsStore>();
        var eviction = factory.GetRequiredService<SeriesEviction>();
        await factory.GetRequiredService<RouteService>().SetSplitsAsync(
            new Actor("olga", ActorRole.Operator), "staging", model, [new SplitInfo("1.0.0", 100)], 0, "serves", Ct);
        await (await PostAsync(client, Enumerable.Range(1, Cap).Select(v => Event(model, v)))).ShouldHaveStatusAsync(HttpStatusCode.Accepted);

        // 2.0.0 keeps getting traffic; everything else goes quiet for the live window and a minute more.
        for (var i = 0; i < 16; i++)
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
            await (await PostAsync(client, [Event(model, 2)])).ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        }

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await eviction.EvictAsync(Ct)); // marked only: a writer gets the grace to revive them
        Assert.Equal(Cap, store.LiveSeriesCount);
        await (await PostAsync(client, [Event(model, 3)])).ShouldHaveStatusAsync(HttpStatusCode.Accepted); // revives 3.0.0
        factory.Clock.Advance(TimeSpan.FromSeconds(SeriesEviction.GraceSeconds));

        // Removed: 47 idle series; kept: 1.0.0 (named by the route), 2.0.0 and 3.0.0 (recent events).
        Assert.Equal(Cap - 3, await eviction.EvictAsync(Ct));
        Assert.Equal(3, store.LiveSeriesCount);
        Assert.Equal(
            ["1.0.0", "2.0.0", "3.0.0"],
            store.KnownSeries.Where(s => s.Model == model).Select(s => s.Version).Order(StringComparer.Ordinal));
        Assert.Equal(1, Requests(store, model, 3));

        // The room is there again: the 51st series and an evicted one come back.
        await (await PostAsync(client, [Event(model, Cap + 1), Event(model, 4)])).ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        Assert.Equal(1, Requests(store, model, Cap + 1));
        Assert.Equal(1, Requests(store, model, 4));
        Assert.Equal(5, store.LiveSeriesCount);
    }

    [Fact]
    public void Versions_of_one_model_hash_apart()
    {
        var hashes = Enumerable.Range(0, 1000)
            .Select(i => SeriesKeyComparer.Hash(new SeriesKey("production", "support-chat", string.Create(CultureInfo.InvariantCulture, $"{i % 10}.{i / 10 % 10}.{i / 100}"))))
            .ToList();

        Assert.Equal(3, ThreeMajors.Select(v => SeriesKeyComparer.Hash(new SeriesKey("staging", "m", v))).Distinct().Count());
        // Random 32-bit hashes of 1,000 keys collide with probability ~1e-4; the old sampled hash (length and last four characters) gave a hundred.
        Assert.True(hashes.Distinct().Count() >= 999, $"{hashes.Distinct().Count()} distinct hashes of 1,000 versions");
        // And the slot (low bits) that a table of 2,048 picks is spread too: no slot holds more than a handful.
        Assert.True(hashes.GroupBy(h => h & 2047).Max(g => g.Count()) <= 8);
    }

    private static long Requests(MetricsStore store, string model, int major) =>
        store.Summarize(new SeriesKey("staging", model, $"{major}.0.0"), TimeSpan.FromMinutes(15)).Requests;

    private static async Task<string> ModelWithVersionsAsync(HttpClient client, int count)
    {
        var model = Seed.UniqueName("cap");
        await Seed.ModelAsync(client, model);
        for (var major = 1; major <= count; major++)
        {
            await Seed.VersionAsync(client, model, $"{major}.0.0");
        }

        return model;
    }

    private static object Event(string model, int major) =>
        new { model, version = $"{major}.0.0", environment = "staging", latencyMs = 120.0, success = true };

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, IEnumerable<object> events) =>
        client.PostAsJsonAsync("/api/v1/metrics/events", new { events = events.ToList() }, Ct);

    private sealed class CappedTelemetryFactory : TelemetryFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:MaxLiveSeries", Cap.ToString(CultureInfo.InvariantCulture));
        }
    }
}
