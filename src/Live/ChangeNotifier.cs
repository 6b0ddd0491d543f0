using ModelRegistry.Dashboard.Core.Fanout;

namespace ModelRegistry.Dashboard.Live;

/// <summary>Publishes engine changes to every subscriber in this process (components, the hub, API streams).</summary>
public interface IChangeNotifier
{
    void Publish(Change change);

    /// <summary>Starts a subscription; dispose it to stop. Each subscriber has its own bounded channel.</summary>
    Subscription<Change> Subscribe();
}

/// <summary>
/// In-process fan-out of changes: when a subscriber's buffer is full its oldest change is dropped — a reader reloads on
/// any change, so nothing is lost.
/// </summary>
public sealed class ChangeNotifier : IChangeNotifier
{
    private const int SubscriberCapacity = 1024;
    private readonly Fanout<Change> _fanout = new(SubscriberCapacity);

    public int SubscriberCount => _fanout.SubscriberCount;

    public void Publish(Change change) => _fanout.Publish(change);

    public Subscription<Change> Subscribe() => _fanout.Subscribe();
}
