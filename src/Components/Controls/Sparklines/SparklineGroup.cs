using ModelRegistry.Dashboard.Components.Controls.Charts;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Components.Controls.Sparklines;

/// <summary>
/// The sparklines of one page behind one subscription to the <see cref="LiveFeed"/>: the page starts it and cascades it,
/// each <see cref="TrafficSparklines"/> joins it, and every new second reaches them all in one dispatch of the page's
/// circuit (a page with sixty sparklines costs one feed reader, not sixty).
/// </summary>
public sealed class SparklineGroup : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<TrafficSparklines> _members = [];
    private LiveFeedFollower? _follower;

    /// <param name="invoke">The page's <c>InvokeAsync</c>: seconds are handed to the sparklines on the circuit's dispatcher.</param>
    /// <param name="onError">The page's <c>DispatchExceptionAsync</c>.</param>
    public static SparklineGroup Start(LiveFeed feed, Func<Func<Task>, Task> invoke, Func<Exception, Task> onError)
    {
        var group = new SparklineGroup();
        group._follower = LiveFeedFollower.Start(feed, second => invoke(() => group.AppendAsync(second)), onError);
        return group;
    }

    internal void Join(TrafficSparklines sparklines)
    {
        lock (_gate)
        {
            _members.Add(sparklines);
        }
    }

    internal void Leave(TrafficSparklines sparklines)
    {
        lock (_gate)
        {
            _members.Remove(sparklines);
        }
    }

    private async Task AppendAsync(LiveSecond second)
    {
        TrafficSparklines[] members;
        lock (_gate)
        {
            members = [.. _members];
        }

        foreach (var member in members)
        {
            await member.AppendAsync(second);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_follower is not null)
        {
            await _follower.DisposeAsync();
        }
    }
}
