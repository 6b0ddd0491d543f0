using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ModelRegistry.Dashboard.Core.Fanout;

/// <summary>
/// In-process fan-out: one bounded <see cref="Channel{T}"/> per subscriber that drops its oldest item when full, so a
/// slow reader never blocks the publisher or another reader.
/// </summary>
public sealed class Fanout<T>(int subscriberCapacity)
{
    private readonly ConcurrentDictionary<Subscription<T>, byte> _subscribers = new();

    public int SubscriberCount => _subscribers.Count;

    public void Publish(T item)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(item);
        }
    }

    public Subscription<T> Subscribe()
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(subscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var subscription = new Subscription<T>(channel, s => _subscribers.TryRemove(s, out _));
        _subscribers[subscription] = 0;
        return subscription;
    }
}

/// <summary>One reader of a <see cref="Fanout{T}"/>; dispose it to stop receiving.</summary>
public sealed class Subscription<T> : IDisposable
{
    private readonly Channel<T> _channel;
    private readonly Action<Subscription<T>> _unsubscribe;

    internal Subscription(Channel<T> channel, Action<Subscription<T>> unsubscribe)
    {
        _channel = channel;
        _unsubscribe = unsubscribe;
    }

    public ChannelReader<T> Reader => _channel.Reader;

    internal ChannelWriter<T> Writer => _channel.Writer;

    /// <summary>
    /// Waits for at least one item, then returns it together with every item already queued behind it, so a reader
    /// handles a burst at once.
    /// </summary>
    public async ValueTask<IReadOnlyList<T>> ReadBatchAsync(CancellationToken cancellationToken)
    {
        var first = await _channel.Reader.ReadAsync(cancellationToken);
        var batch = new List<T> { first };
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
