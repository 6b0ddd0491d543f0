using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Demo;

/// <summary>One request the demo's load generator sent, as it left the generator and as the gateway answered it.</summary>
public sealed record DemoCall(Uri Url, string? Session, string? Authorization, string? Model, int Status, string? Version, string? Revision)
{
    /// <summary>The environment named in <c>/gateway/{environment}/v1/...</c>, or null for any other URL.</summary>
    public string? Environment => Url.AbsolutePath.Split('/') is ["", "gateway", var environment, "v1", ..] ? environment : null;
}

/// <summary>
/// Watches the wire between the load generator and wherever it sends (a handler added to its HTTP client): the test
/// sees every request and answer, but records no measurement — those are the gateway's.
/// </summary>
public sealed class DemoCallLog
{
    private readonly ConcurrentQueue<DemoCall> _calls = new();

    public IReadOnlyList<DemoCall> Calls => [.. _calls];

    public DelegatingHandler CreateHandler() => new Recorder(this);

    private sealed class Recorder(DemoCallLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string? model = null;
            if (request.Content is { } content)
            {
                using var body = JsonDocument.Parse(await content.ReadAsStringAsync(cancellationToken));
                model = body.RootElement.TryGetProperty("model", out var m) ? m.GetString() : null;
            }

            var response = await base.SendAsync(request, cancellationToken);
            log._calls.Enqueue(new DemoCall(
                request.RequestUri!,
                request.Headers.TryGetValues("X-Session-Id", out var session) ? session.Single() : null,
                request.Headers.Authorization?.ToString(),
                model,
                (int)response.StatusCode,
                response.Headers.TryGetValues("X-Model-Version", out var version) ? version.Single() : null,
                response.Headers.TryGetValues("X-Route-Revision", out var revision) ? revision.Single() : null));
            return response;
        }
    }
}

public sealed class DemoTrafficFixture : IAsyncDisposable
{
    public DemoCallLog Log { get; } = new();

    public KestrelDashboardFactory Factory { get; }

    public DemoTrafficFixture()
    {
        Factory = new KestrelDashboardFactory(
            new Dictionary<string, string>
            {
                ["Demo:Traffic:Enabled"] = "true",
                ["Demo:Traffic:RequestsPerSecondPerRoute"] = "20",
                ["Demo:BackendDefaults:MedianLatencyMs"] = "2",
                ["Demo:BackendDefaults:ErrorRate"] = "0",
                // As outside Development: the anonymous actor may not use the gateway, so the demo must bring its own key.
                ["Auth:Anonymous:Role"] = "Viewer",
            },
            services => services.AddHttpClient(DemoGatewayClient.HttpClientName).AddHttpMessageHandler(Log.CreateHandler));
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>
/// The load generator on a real server: real OpenAI-shaped requests through the app's own gateway, which picks each
/// version from the route (sticky per simulated user), forwards to the demo backends and records what it measured.
/// </summary>
public sealed class DemoTrafficTests(DemoTrafficFixture fixture) : IClassFixture<DemoTrafficFixture>
{
    private static readonly Actor Operator = new("test-operator", ActorRole.Operator);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MetricsStore Store => fixture.Factory.GetRequiredService<MetricsStore>();

    private IEnumerable<DemoCall> CallsTo(string environment, string model) =>
        fixture.Log.Calls.Where(c => c.Environment == environment && c.Model == model);

    private static Task WaitAsync(Func<bool> done, string what, Func<string> seen) =>
        Poll.UntilAsync(() => Task.FromResult(done()), TimeSpan.FromSeconds(30), waited => $"Waited {waited.TotalSeconds:0.0} s for {what}; {seen()}");

    private RouteService Routes => fixture.Factory.GetRequiredService<RouteService>();

    /// <summary>Registers <paramref name="model"/> and its versions (through the API, with the test's key) and routes traffic to those with a weight.</summary>
    private async Task RouteAsync(string environment, string model, params (string Version, string Endpoint, int Weight)[] versions)
    {
        using var client = fixture.Factory.CreateApiKeyClient();
        client.BaseAddress = new Uri(fixture.Factory.BaseUrl);
        await Seed.ModelAsync(client, model);
        foreach (var (version, endpoint, _) in versions)
        {
            await Seed.VersionAsync(client, model, version, endpoint);
        }

        await Routes.SetSplitsAsync(Operator, environment, model, [.. versions.Where(v => v.Weight > 0).Select(v => new SplitInfo(v.Version, v.Weight))], 0, "traffic test", Ct);
    }

    private string Summary() => $"{fixture.Log.Calls.Count} calls: " + string.Join(", ",
        fixture.Log.Calls.GroupBy(c => $"{c.Environment}/{c.Model}@{c.Version ?? "-"} {c.Status}").Select(g => $"{g.Key}×{g.Count()}"));

    [Fact]
    public async Task Every_seeded_route_gets_traffic_through_the_gateway_which_picks_the_versions_and_measures_them()
    {
        var routes = await fixture.Factory.GetRequiredService<RouteService>().ListAsync(cancellationToken: Ct);
        var seeded = routes.Where(r => r.Model is "support-chat" or "doc-summarizer" or "code-assist" or "embed-search").ToList();
        Assert.Equal(8, seeded.Count);

        await WaitAsync(() => seeded.All(r => CallsTo(r.Environment, r.Model).Any(c => c.Version is not null)), "a forwarded request on every seeded route", Summary);

        var calls = fixture.Log.Calls;
        Assert.All(calls, call =>
        {
            // The gateway's OpenAI-compatible URL, the registered model's name, a simulated user and the demo's own key.
            Assert.Equal(new Uri($"{fixture.Factory.BaseUrl}/gateway/{call.Environment}/v1/chat/completions"), call.Url);
            Assert.NotNull(call.Model);
            Assert.Matches(@"^.+-user-\d{4}$", call.Session);
            Assert.StartsWith("Bearer demo-", call.Authorization, StringComparison.Ordinal);
        });
        foreach (var route in seeded)
        {
            var versions = route.Splits.Where(s => s.Weight > 0).Select(s => s.Version).ToList();
            foreach (var call in CallsTo(route.Environment, route.Model).Where(c => c.Version is not null))
            {
                Assert.Contains(call.Version, versions);
                Assert.Equal(route.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), call.Revision);
                // Only the deliberately worse version fails (appsettings.Development.json: support-chat 2.0.0, 25% errors).
                Assert.True(call.Status == 200 || (call.Model, call.Version, call.Status) == ("support-chat", "2.0.0", 500), $"{call.Model}@{call.Version}: {call.Status}");
            }

            // What the Metrics page shows is what the gateway measured: requests, tokens, and failures typed as upstream errors.
            foreach (var version in CallsTo(route.Environment, route.Model).Select(c => c.Version).OfType<string>().Distinct())
            {
                var measured = Store.Summarize(new SeriesKey(route.Environment, route.Model, version), Window);
                Assert.True(measured.Requests > 0, $"{measured.Series} has no measurement");
                Assert.True(measured.Requests == measured.Errors || (measured.InputTokens > 0 && measured.OutputTokens > 0), $"{measured.Series} has no tokens");
                Assert.Equal((0, 0), (measured.RateLimited, measured.ClientErrors));
                if ((route.Model, version) != ("support-chat", "2.0.0"))
                {
                    Assert.Equal(0, measured.Errors);
                }
            }
        }
    }

    [Fact]
    public async Task The_figures_are_the_gateways_one_measurement_per_request_the_demo_sent()
    {
        const string model = "traffic-measured";
        await RouteAsync("staging", model, ("1.0.0", fixture.Factory.DemoEndpoint(model, "1.0.0"), 50), ("2.0.0", fixture.Factory.DemoEndpoint(model, "2.0.0"), 50));

        // The store counts a request when the gateway finished it, the log when the generator got the answer: between
        // requests the two agree exactly. Nobody else sends to this model, and the generator records nothing itself
        // (a second recording would double the store's count).
        long Measured(string version) => Store.Summarize(new SeriesKey("staging", model, version), Window).Requests;
        int Answered(string version) => CallsTo("staging", model).Count(c => c.Version == version);
        await WaitAsync(
            () => Answered("1.0.0") >= 10 && Answered("2.0.0") >= 10 && Measured("1.0.0") == Answered("1.0.0") && Measured("2.0.0") == Answered("2.0.0"),
            "the gateway's counts to match the demo's answers",
            () => $"measured {Measured("1.0.0")}/{Measured("2.0.0")}, answered {Answered("1.0.0")}/{Answered("2.0.0")}");
        Assert.All(CallsTo("staging", model), c => Assert.Equal(200, c.Status));
    }

    [Fact]
    public async Task Each_simulated_user_stays_on_one_version_of_a_split_route()
    {
        // support-chat in staging: 1.2.0 90% / 2.0.0 10% (the demo catalogue), 200 users: some land on each version.
        IEnumerable<IGrouping<string?, DemoCall>> Users() => CallsTo("staging", "support-chat").Where(c => c.Version is not null).GroupBy(c => c.Session);
        bool Returning(string version) => Users().Count(u => u.Count() >= 2 && u.First().Version == version) >= 3;
        await WaitAsync(() => Returning("1.2.0") && Returning("2.0.0"), "returning users on both versions", Summary);

        Assert.All(Users(), user => Assert.Single(user.Select(c => c.Version).Distinct()));
    }

    [Fact]
    public async Task A_route_change_moves_the_traffic_to_the_new_version()
    {
        const string model = "traffic-follow";
        // Registered the way the demo seeds endpoints (under Demo:BackendBaseUrl): the gateway finds the real port.
        await RouteAsync("staging", model,
            ("1.0.0", $"http://localhost:5180/demo-backends/{model}/1.0.0/", 100), ("2.0.0", $"http://localhost:5180/demo-backends/{model}/2.0.0/", 0));

        await WaitAsync(() => CallsTo("staging", model).Any(c => c.Version == "1.0.0"), $"traffic to {model}@1.0.0", Summary);
        await Routes.SetSplitsAsync(Operator, "staging", model, [new("2.0.0", 100)], 1, "traffic test", Ct);
        var switchedAt = fixture.Log.Calls.Count;

        await WaitAsync(() => fixture.Log.Calls.Skip(switchedAt).Count(c => c.Model == model && c.Version == "2.0.0") >= 5, $"traffic to {model}@2.0.0 after the route change", Summary);
        Assert.All(CallsTo("staging", model), c => Assert.Equal(200, c.Status));
        Assert.True(Store.Summarize(new SeriesKey("staging", model, "2.0.0"), Window).Requests >= 5);
    }

    [Fact]
    public async Task A_route_that_could_reach_a_version_outside_the_demo_backends_gets_no_synthetic_traffic()
    {
        const string foreign = "traffic-foreign";
        await RouteAsync("production", foreign,
            ("1.0.0", fixture.Factory.DemoEndpoint(foreign, "1.0.0"), 50), ("1.1.0", $"https://models.example.com/{foreign}/1.1.0/", 50));

        // A route written after it, all demo backends: once it has traffic, the generator has read both routes.
        const string control = "traffic-control";
        await RouteAsync("production", control, ("1.0.0", fixture.Factory.DemoEndpoint(control, "1.0.0"), 100));
        await WaitAsync(() => CallsTo("production", control).Count() >= 20, $"traffic to {control}", Summary);

        Assert.Empty(CallsTo("production", foreign));
        Assert.DoesNotContain(Store.KnownSeries, s => s.Model == foreign);
    }

    [Fact]
    public async Task The_demo_key_opens_only_the_gateway()
    {
        var key = fixture.Factory.GetRequiredService<DemoGatewayKey>();
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Factory.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { name = "demo-key-model" }),
        };
        request.Headers.Add("X-Api-Key", key.Value);

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
