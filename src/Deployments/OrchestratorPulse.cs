namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// When the orchestrator in this process last began a pass over the active deployments (memory only). The analysis
/// reads it to say when the next judgement runs: the timer's next tick comes at most one tick after any pass began.
/// </summary>
public sealed class OrchestratorPulse
{
    private long _lastPassTicks;

    /// <summary>The start of the last pass (UTC), or null before the first one.</summary>
    public DateTime? LastPassAt => Interlocked.Read(ref _lastPassTicks) is var ticks and > 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;

    internal void RecordPass(DateTime utcNow) => Interlocked.Exchange(ref _lastPassTicks, utcNow.Ticks);
}
