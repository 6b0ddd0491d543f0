using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>
/// Receives every request the demo load generator measured. The default only counts; bind it to the telemetry ingest
/// so the demo's traffic becomes the live metrics.
/// </summary>
public interface IDemoTrafficSink
{
    void Record(MetricEvent measurement);
}

/// <summary>Counts measurements (the default sink until telemetry ingest is bound).</summary>
public sealed class CountingDemoTrafficSink : IDemoTrafficSink
{
    private long _requests;
    private long _errors;

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors => Interlocked.Read(ref _errors);

    public void Record(MetricEvent measurement)
    {
        Interlocked.Increment(ref _requests);
        if (!measurement.Success)
        {
            Interlocked.Increment(ref _errors);
        }
    }
}
