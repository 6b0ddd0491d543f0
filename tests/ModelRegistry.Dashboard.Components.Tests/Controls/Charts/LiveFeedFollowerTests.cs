using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Tests.Controls.Charts;

/// <summary>
/// Found with a heap dump of a running app: closed dashboards stayed in memory for good. A circuit that ends cancels
/// its pending interop calls; the Metrics page's live-feed loop ended on that cancellation, its disposal rethrew it,
/// and the page never stopped its once-a-second refresh, which kept the whole circuit alive.
/// </summary>
public sealed class LiveFeedFollowerTests
{
    [Fact]
    public async Task Disposing_after_the_loop_ended_on_a_canceled_call_does_not_throw()
    {
        var feed = new LiveFeed();
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<Exception>();
        var follower = LiveFeedFollower.Start(feed, _ =>
        {
            called.TrySetResult();
            throw new TaskCanceledException("the circuit ended");
        }, ex =>
        {
            errors.Add(ex);
            return Task.CompletedTask;
        });

        feed.Publish(new LiveSecond(new DateTime(2031, 5, 1, 12, 0, 0, DateTimeKind.Utc), new Dictionary<SeriesKey, MetricPoint>()));
        await called.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var disposing = await Record.ExceptionAsync(async () => await follower.DisposeAsync());

        Assert.Null(disposing);
        Assert.Equal(0, feed.SubscriberCount);
    }
}
