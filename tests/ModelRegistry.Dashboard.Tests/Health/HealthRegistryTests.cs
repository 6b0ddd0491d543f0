using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Live;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>The shared store: a sliding window per version, and a change published only when the status changes.</summary>
public sealed class HealthRegistryTests
{
    private static readonly DateTime T0 = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    private readonly ChangeNotifier _notifier = new();

    private HealthRegistry Registry(int window = 3) => new(_notifier, new FixedOptions<HealthOptions>(new HealthOptions { Window = window }));

    private static HealthProbeResult Probe(int second, bool ok) => new(T0.AddSeconds(second), ok, ok ? 200 : 500, 10, ok ? null : "HTTP 500");

    [Fact]
    public void A_version_never_probed_is_unknown()
    {
        Assert.Equal(HealthStatus.Unknown, Registry().Get("m", "1.0.0").Status);
    }

    [Fact]
    public void Only_the_last_window_of_probes_is_kept_and_judged()
    {
        var registry = Registry(window: 3);
        for (var i = 0; i < 5; i++)
        {
            registry.Record("m", "1.0.0", "http://x/", Probe(i, ok: i < 2));
        }

        var health = registry.Get("m", "1.0.0");
        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(3), T0.AddSeconds(4)], health.Probes.Select(p => p.At));
        Assert.Equal(1.0, health.ErrorRate);
        Assert.Equal("3 of the last 3 probes failed: HTTP 500.", health.Reason);
    }

    [Fact]
    public void HealthChanged_is_published_when_the_status_changes_and_only_then()
    {
        using var changes = _notifier.Subscribe();
        var registry = Registry();

        registry.Record("m", "1.0.0", "http://x/", Probe(0, ok: true));   // unknown → healthy
        registry.Record("m", "1.0.0", "http://x/", Probe(1, ok: true));   // healthy, no change
        registry.Record("m", "1.0.0", "http://x/", Probe(2, ok: false));  // → unhealthy
        registry.Record("m", "1.0.0", "http://x/", Probe(3, ok: false));  // unhealthy, no change

        var published = new List<Change>();
        while (changes.Reader.TryRead(out var change))
        {
            published.Add(change);
        }

        Assert.Equal(2, published.Count);
        Assert.All(published, c => Assert.Equal(new Change(ChangeKind.HealthChanged, "m", "1.0.0"), c));
    }

    [Fact]
    public async Task Concurrent_writers_keep_the_window_consistent()
    {
        var registry = Registry(window: 5);

        await Parallel.ForAsync(0, 2000, TestContext.Current.CancellationToken, (i, _) =>
        {
            registry.Record("m", $"1.0.{i % 4}", "http://x/", Probe(i, ok: i % 3 != 0));
            return ValueTask.CompletedTask;
        });

        Assert.Equal(4, registry.All.Count);
        Assert.All(registry.All, h => Assert.Equal(5, h.Probes.Count));
    }
}
