using ModelRegistry.Dashboard.Core.Fanout;
using System.Net.Http.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Live;

/// <summary>Every change made through the API reaches in-process subscribers (components, the hub).</summary>
public sealed class ChangeNotifierTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    /// <summary>Reads until a change matching <paramref name="match"/> arrives; fails (by cancellation) after 10 seconds.</summary>
    private static async Task<Change> WaitForAsync(Subscription<Change> subscription, Func<Change, bool> match)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var change = await subscription.Reader.ReadAsync(timeout.Token);
            if (match(change))
            {
                return change;
            }
        }
    }

    [Fact]
    public async Task Registering_a_model_over_the_api_publishes_ModelRegistered()
    {
        var notifier = factory.GetRequiredService<ChangeNotifier>();
        using var subscription = notifier.Subscribe();
        var name = Seed.UniqueName("live");

        await Seed.ModelAsync(_client, name);

        var change = await WaitForAsync(subscription, c => c.Model == name);
        Assert.Equal(ChangeKind.ModelRegistered, change.Kind);
        Assert.Equal(name, change.Model);
        Assert.Null(change.Version);
    }

    [Fact]
    public async Task Versions_and_edits_are_published_in_order()
    {
        using var subscription = factory.GetRequiredService<IChangeNotifier>().Subscribe();
        var name = Seed.UniqueName("live");

        await Seed.ModelAsync(_client, name);
        await Seed.VersionAsync(_client, name, "1.0.0");
        (await _client.PatchAsJsonAsync($"/api/v1/models/{name}", new { displayName = "Live" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var registered = await WaitForAsync(subscription, c => c.Model == name);
        var version = await WaitForAsync(subscription, c => c.Model == name);
        var updated = await WaitForAsync(subscription, c => c.Model == name);
        Assert.Equal(
            [ChangeKind.ModelRegistered, ChangeKind.VersionRegistered, ChangeKind.ModelUpdated],
            new[] { registered.Kind, version.Kind, updated.Kind });
        Assert.Equal("1.0.0", version.Version);
    }

    [Fact]
    public async Task A_route_change_is_published_with_its_environment_and_serving_version()
    {
        var name = Seed.UniqueName("live");
        await Seed.ModelAsync(_client, name);
        await Seed.VersionAsync(_client, name, "1.0.0");
        using var subscription = factory.GetRequiredService<IChangeNotifier>().Subscribe();

        await factory.GetRequiredService<RouteService>().SetSplitsAsync(
            new Actor("olga", ActorRole.Operator), "production", name, [new SplitInfo("1.0.0", 100)], 0, "go live", TestContext.Current.CancellationToken);

        var change = await WaitForAsync(subscription, c => c.Model == name);
        Assert.Equal(new Change(ChangeKind.RouteChanged, name, "1.0.0", "production"), change);
    }

    [Fact]
    public async Task A_refused_request_publishes_nothing()
    {
        using var subscription = factory.GetRequiredService<IChangeNotifier>().Subscribe();

        var response = await _client.PostAsJsonAsync("/api/v1/models", new { name = "Bad Name" }, TestContext.Current.CancellationToken);
        var marker = Seed.UniqueName("marker");
        await Seed.ModelAsync(_client, marker);

        // The first change after the refused request is the marker's: the refusal published nothing before it.
        Assert.False(response.IsSuccessStatusCode);
        var first = await WaitForAsync(subscription, _ => true);
        Assert.Equal(marker, first.Model);
    }

    [Fact]
    public async Task Disposing_a_subscription_unsubscribes_it()
    {
        var notifier = factory.GetRequiredService<ChangeNotifier>();
        var before = notifier.SubscriberCount;

        var subscription = notifier.Subscribe();
        Assert.Equal(before + 1, notifier.SubscriberCount);
        subscription.Dispose();

        Assert.Equal(before, notifier.SubscriberCount);
        Assert.True(subscription.Reader.Completion.IsCompleted);
    }
}
