namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>A clock that moves only when told to, shared safely between threads. Timers still run on real time.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>A minute boundary, so ten-second blocks and minutes line up with the test's arithmetic.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2031, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private long _utcTicks = start.UtcTicks;

    public ManualClock()
        : this(DefaultStart)
    {
    }

    public DateTime UtcNow => new(Interlocked.Read(ref _utcTicks), DateTimeKind.Utc);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
