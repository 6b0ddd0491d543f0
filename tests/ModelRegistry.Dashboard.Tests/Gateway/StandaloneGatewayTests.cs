using System.ClientModel;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace ModelRegistry.Dashboard.Tests.Gateway;

/// <summary>
/// One control plane (the real app on Kestrel) and two standalone gateways (<c>Gateway:Mode=Standalone</c>, the same
/// binary as real OS processes): both route by the control plane's routes, follow its pushes, and ship their figures
/// there as aggregates, where a canary is judged on the merged figures of both.
/// </summary>
public sealed class StandaloneGatewayTests(StandaloneGatewayTests.Cluster cluster) : IClassFixture<StandaloneGatewayTests.Cluster>, IAsyncLifetime
{
    private const string Environment = "staging";
    private readonly string _model = Seed.UniqueName("sgw");
    private FakeOpenAIBackend _stable = null!;
    private FakeOpenAIBackend _canary = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stable = await FakeOpenAIBackend.StartAsync("stable");
        _canary = await FakeOpenAIBackend.StartAsync("canary");
        await Seed.ModelAsync(cluster.Api, _model);
        await Seed.VersionAsync(cluster.Api, _model, "1.0.0", _stable.Endpoint);
        await Seed.VersionAsync(cluster.Api, _model, "1.1.0", _canary.Endpoint);
        await cluster.ControlPlane.GetRequiredService<RouteService>().SetSplitsAsync(
            new Actor("test", ActorRole.Admin), Environment, _model, [new SplitInfo("1.0.0", 100)], expectedRevision: 0, reason: "test", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stable.DisposeAsync();
        await _canary.DisposeAsync();
    }

    [Fact]
    public async Task Both_gateways_serve_the_control_planes_route_and_their_figures_add_up_there()
    {
        for (var i = 0; i < 30; i++)
        {
            var result = await Chat(cluster.GatewayA).CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct);
            Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Model-Version", out var version));
            Assert.Equal("1.0.0", version);
        }

        for (var i = 0; i < 20; i++)
        {
            await Chat(cluster.GatewayB).CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct);
        }

        // Shipped once a second by each gateway, merged by the control plane.
        var summary = await SummaryAsync("1.0.0", s => s.Requests >= 50);
        Assert.Equal(50, summary.Requests);
        Assert.Equal((50 * 11L, 50 * 7L), (summary.InputTokens, summary.OutputTokens));
        Assert.InRange(summary.P50LatencyMs, 0.01, 1000);
    }

    [Fact]
    public async Task A_route_write_on_the_control_plane_reaches_both_gateways_by_push()
    {
        Assert.Equal("1.0.0", await VersionServedAsync(cluster.GatewayA));
        Assert.Equal("1.0.0", await VersionServedAsync(cluster.GatewayB));
        var route = await cluster.ControlPlane.GetRequiredService<RouteService>().GetAsync(Environment, _model, Ct);

        await cluster.ControlPlane.GetRequiredService<RouteService>().SetSplitsAsync(
            new Actor("test", ActorRole.Admin), Environment, _model, [new SplitInfo("1.1.0", 100)], route.Revision, reason: "test", Ct);

        // Well within the routes' 30 s safety refresh: only the hub's RouteChanged can have told them.
        foreach (var gateway in new[] { cluster.GatewayA, cluster.GatewayB })
        {
            await Poll.UntilAsync(
                async () => await VersionServedAsync(gateway) == "1.1.0",
                TimeSpan.FromSeconds(10),
                _ => $"a gateway still serves the old route:\n{cluster.Output}");
        }
    }

    [Fact]
    public async Task A_canary_judged_on_the_merged_figures_of_both_gateways_rolls_back()
    {
        _canary.FailureShare = 0.5;
        using var launch = await cluster.Api.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = _model, version = "1.1.0", environment = Environment, strategy = "canary",
            canary = new { stepSeconds = 2 }, guard = new { minSamples = 20, watchSeconds = 2 }, reason = "standalone canary test",
        }, Ct);
        var id = (await launch.ReadJsonAsync(System.Net.HttpStatusCode.Created)).GetProperty("id").GetInt64();

        var (status, _, sent) = await GatewayLoad.RunUntilDeploymentEndsAsync(
            cluster.Api, id, [cluster.GatewayA.Client, cluster.GatewayB.Client], Environment, _model, () => cluster.Output);

        Assert.Equal("rolledBack", status);
        Assert.All(sent, n => Assert.True(n > 0, "a gateway got no traffic"));
        // Everything the canary's server answered was measured by one gateway or the other and merged here.
        var canary = await SummaryAsync("1.1.0", s => s.Requests == _canary.Requests);
        Assert.True(canary.Errors > 0);
    }

    private async Task<string> VersionServedAsync(AppProcess gateway)
    {
        var result = await Chat(gateway).CompleteChatAsync([new UserChatMessage("which version?")], cancellationToken: Ct);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Model-Version", out var version));
        return version!;
    }

    private ChatClient Chat(AppProcess gateway) =>
        new OpenAIClient(new ApiKeyCredential(Cluster.CallerKey), new OpenAIClientOptions { Endpoint = new Uri(gateway.Client.BaseAddress!, $"gateway/{Environment}/v1/") })
            .GetChatClient(_model);

    private async Task<MetricsSummary> SummaryAsync(string version, Func<MetricsSummary, bool> ready)
    {
        MetricsSummary? summary = null;
        await Poll.UntilAsync(
            async () =>
            {
                var result = await cluster.Api.GetFromJsonAsync<MetricsSummaryResult>(
                    $"/api/v1/metrics/summary?model={_model}&environment={Environment}&windowSeconds=300", ApiJson.Options, Ct);
                summary = result!.Versions.SingleOrDefault(v => v.Version == version);
                return summary is not null && ready(summary);
            },
            TimeSpan.FromSeconds(15),
            _ => $"version {version}'s merged summary never got there: {summary}\n{cluster.Output}");
        return summary!;
    }

    /// <summary>The control plane in-process on Kestrel, and two gateway processes following it.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        /// <summary>The key callers present to the gateways (their own <c>Auth:ApiKeys</c>).</summary>
        public const string CallerKey = "gateway-caller-key-0123456789";

        private readonly TestDatabase _gatewayDatabase = new(); // unused by a standalone gateway; AppProcess names one

        public KestrelDashboardFactory ControlPlane { get; } = new(new Dictionary<string, string>
        {
            ["Demo:Traffic:Enabled"] = "false",
            ["Health:IntervalSeconds"] = "1",
            ["Health:TimeoutSeconds"] = "1",
        });

        public HttpClient Api { get; private set; } = null!;

        public AppProcess GatewayA { get; private set; } = null!;

        public AppProcess GatewayB { get; private set; } = null!;

        public string Output => $"--- gateway A ---\n{GatewayA.Output}\n--- gateway B ---\n{GatewayB.Output}";

        public async ValueTask InitializeAsync()
        {
            Api = new HttpClient { BaseAddress = new Uri(ControlPlane.BaseUrl) };
            var settings = new Dictionary<string, string>
            {
                ["Gateway:Mode"] = "Standalone",
                ["Gateway:ControlPlane:Url"] = ControlPlane.BaseUrl,
                ["Gateway:ControlPlane:ApiKey"] = DashboardFactory.ApiKey,
                ["Gateway:ControlPlane:RefreshSeconds"] = "1",
                ["Auth:Anonymous:Role"] = "Viewer",
                ["Auth:ApiKeys:0:Name"] = "caller",
                ["Auth:ApiKeys:0:Key"] = CallerKey,
                ["Auth:ApiKeys:0:Role"] = "Automation",
            };
            var a = AppProcess.StartAsync("gateway-a", _gatewayDatabase.FilePath, Named(settings, "gateway-a"));
            var b = AppProcess.StartAsync("gateway-b", _gatewayDatabase.FilePath, Named(settings, "gateway-b"));
            GatewayA = await a;
            GatewayB = await b;
            GatewayA.Client.DefaultRequestHeaders.Add("X-Api-Key", CallerKey);
            GatewayB.Client.DefaultRequestHeaders.Add("X-Api-Key", CallerKey);
        }

        public async ValueTask DisposeAsync()
        {
            Api?.Dispose();
            if (GatewayA is not null)
            {
                await GatewayA.DisposeAsync();
            }

            if (GatewayB is not null)
            {
                await GatewayB.DisposeAsync();
            }

            await ControlPlane.DisposeAsync();
            _gatewayDatabase.Dispose();
        }

        private static Dictionary<string, string> Named(Dictionary<string, string> settings, string name) =>
            new(settings) { ["Gateway:ControlPlane:Name"] = name };
    }
}
