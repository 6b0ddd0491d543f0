namespace ModelRegistry.Dashboard.Components.Tests;

/// <summary>The system clock, unless a test pins "now" so that relative times ("5 min ago") are exact.</summary>
public sealed class TestClock : TimeProvider
{
    public DateTimeOffset? PinnedNow { get; set; }

    public override DateTimeOffset GetUtcNow() => PinnedNow ?? base.GetUtcNow();
}
