using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// A clock whose "now" moves only when told to, shared safely between threads, while its timers run on real time. For
/// the whole app under test, whose probe deadlines, judge-on-arrival waits and retry back-offs must still elapse by
/// themselves; anything that needs only a manual "now" uses <see cref="TestClocks"/> (a FakeTimeProvider).
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public ManualClock()
        : this(TestClocks.Start)
    {
    }

    public DateTime UtcNow => new(Interlocked.Read(ref _utcTicks), DateTimeKind.Utc);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
