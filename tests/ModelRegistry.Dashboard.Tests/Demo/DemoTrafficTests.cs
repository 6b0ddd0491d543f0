using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Demo;

/// <summary>Keeps every measurement and wakes waiters as they arrive.</summary>
public sealed class RecordingTrafficSink : IDemoTrafficSink
{
    private readonly ConcurrentQueue<MetricEvent> _events = new();
    private readonly Channel<bool> _arrived = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public IReadOnlyList<MetricEvent> Events => [.. _events];

    public void Record(MetricEvent measurement)
    {
        _events.Enqueue(measurement);
        _arrived.Writer.TryWrite(true);
    }

    /// <summary>Re-checks on every arrival until <paramref name="done"/> holds; fails after a timeout with what was seen.</summary>
    public async Task<IReadOnlyList<MetricEvent>> WaitUntilAsync(Func<IReadOnlyList<MetricEvent>, bool> done, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var events = Events;
        while (!done(events))
        {
            try
            {
                await _arrived.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting for {what}; {events.Count} measurements: " +
                    string.Join(", ", events.GroupBy(e => e.Series).Select(g => $"{g.Key}×{g.Count()}")));
            }

            events = Events;
        }

        return events;
    }
}

public sealed class DemoTrafficFixture : IAsyncDisposable
{
    public RecordingTrafficSink Sink { get; } = new();

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
            },
            services => services.AddSingleton<IDemoTrafficSink>(Sink));
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>The load generator on a real server: real requests to the app's own demo backends, by each route's weights.</summary>
public sealed class DemoTrafficTests(DemoTrafficFixture fixture) : IClassFixture<DemoTrafficFixture>
{
    private static readonly Actor Operator = new("test-operator", ActorRole.Operator);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_seeded_route_gets_measured_traffic_to_its_own_versions()
    {
        var routes = await fixture.Factory.GetRequiredService<RouteService>().ListAsync(cancellationToken: Ct);
        var seeded = routes.Where(r => r.Model is "support-chat" or "doc-summarizer" or "code-assist" or "embed-search").ToList();
        Assert.Equal(8, seeded.Count);

        var events = await fixture.Sink.WaitUntilAsync(
            seen => seeded.All(r => seen.Any(e => e.Series.Environment == r.Environment && e.Series.Model == r.Model)),
            "a measurement for every seeded route");

        foreach (var measured in events.Where(e => seeded.Any(r => r.Model == e.Series.Model)))
        {
            var route = seeded.Single(r => r.Environment == measured.Series.Environment && r.Model == measured.Series.Model);
            Assert.Contains(measured.Series.Version, route.Splits.Select(s => s.Version));
            if (measured.Success)
            {
                Assert.True(measured.InputTokens > 0 && measured.OutputTokens > 0, $"{measured.Series} has no tokens.");
            }
            else
            {
                // Only the deliberately worse version fails (appsettings.Development.json: support-chat 2.0.0, 25% errors).
                Assert.Equal(("support-chat", "2.0.0", "http_500"), (measured.Series.Model, measured.Series.Version, measured.ErrorType));
            }

            Assert.True(measured.LatencyMs > 0);
            Assert.True(measured.Timestamp > DateTime.UtcNow.AddMinutes(-1));
        }
    }

    [Fact]
    public async Task A_route_change_moves_the_traffic_to_the_new_version()
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Factory.BaseUrl) };
        const string model = "traffic-follow";
        await Seed.ModelAsync(client, model);
        // Registered the way the demo seeds endpoints (under Demo:BackendBaseUrl): the generator finds the real port.
        await Seed.VersionAsync(client, model, "1.0.0", $"http://localhost:5180/demo-backends/{model}/1.0.0/");
        await Seed.VersionAsync(client, model, "2.0.0", $"http://localhost:5180/demo-backends/{model}/2.0.0/");
        var routes = fixture.Factory.GetRequiredService<RouteService>();
        await routes.SetSplitsAsync(Operator, "staging", model, [new("1.0.0", 100)], 0, "traffic test", Ct);

        await fixture.Sink.WaitUntilAsync(seen => seen.Any(e => e.Series == new SeriesKey("staging", model, "1.0.0")), $"traffic to {model}@1.0.0");
        await routes.SetSplitsAsync(Operator, "staging", model, [new("2.0.0", 100)], 1, "traffic test", Ct);
        var switchedAt = fixture.Sink.Events.Count;

        await fixture.Sink.WaitUntilAsync(
            seen => seen.Skip(switchedAt).Count(e => e.Series == new SeriesKey("staging", model, "2.0.0")) >= 5,
            $"traffic to {model}@2.0.0 after the route change");
        Assert.All(fixture.Sink.Events.Where(e => e.Series.Model == model), e => Assert.True(e.Success, e.ErrorType));
    }

    [Fact]
    public async Task Versions_outside_the_demo_backends_get_no_synthetic_traffic()
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Factory.BaseUrl) };
        const string model = "traffic-foreign";
        await Seed.ModelAsync(client, model);
        await Seed.VersionAsync(client, model, "1.0.0", fixture.Factory.DemoEndpoint(model, "1.0.0"));
        await Seed.VersionAsync(client, model, "1.1.0", $"https://models.example.com/{model}/1.1.0/");
        await fixture.Factory.GetRequiredService<RouteService>().SetSplitsAsync(Operator, "production", model, [new("1.0.0", 50), new("1.1.0", 50)], 0, "traffic test", Ct);

        var events = await fixture.Sink.WaitUntilAsync(seen => seen.Count(e => e.Series.Model == model) >= 20, $"traffic to {model}@1.0.0");

        Assert.All(events.Where(e => e.Series.Model == model), e => Assert.Equal("1.0.0", e.Series.Version));
    }
}
