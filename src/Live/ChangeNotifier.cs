using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ModelRegistry.Dashboard.Live;

/// <summary>Publishes engine changes to every subscriber in this process (components, the hub, API streams).</summary>
public interface IChangeNotifier
{
    void Publish(Change change);

    /// <summary>Starts a subscription; dispose it to stop. Each subscriber has its own bounded channel.</summary>
    ChangeSubscription Subscribe();
}

/// <summary>
/// In-process fan-out: one bounded <see cref="Channel{T}"/> per subscriber, so a slow reader never blocks the engine
/// (when its buffer is full the oldest change is dropped — a reader reloads on any change, so nothing is lost).
/// </summary>
public sealed class ChangeNotifier : IChangeNotifier
{
    private const int SubscriberCapacity = 1024;
    private readonly ConcurrentDictionary<ChangeSubscription, byte> _subscribers = new();

    public int SubscriberCount => _subscribers.Count;

    public void Publish(Change change)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(change);
        }
    }

    public ChangeSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<Change>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var subscription = new ChangeSubscription(channel, s => _subscribers.TryRemove(s, out _));
        _subscribers[subscription] = 0;
        return subscription;
    }
}

public sealed class ChangeSubscription : IDisposable
{
    private readonly Channel<Change> _channel;
    private readonly Action<ChangeSubscription> _unsubscribe;

    internal ChangeSubscription(Channel<Change> channel, Action<ChangeSubscription> unsubscribe)
    {
        _channel = channel;
        _unsubscribe = unsubscribe;
    }

    public ChannelReader<Change> Reader => _channel.Reader;

    internal ChannelWriter<Change> Writer => _channel.Writer;

    /// <summary>
    /// Waits for at least one change, then returns it together with every change already queued behind it,
    /// so a reader handles a burst with one reload.
    /// </summary>
    public async ValueTask<IReadOnlyList<Change>> ReadBatchAsync(CancellationToken cancellationToken)
    {
        var first = await _channel.Reader.ReadAsync(cancellationToken);
        var batch = new List<Change> { first };
        while (_channel.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }

        return batch;
    }

    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
