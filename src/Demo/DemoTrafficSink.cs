using Microsoft.Extensions.Logging;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>Receives every request the demo load generator measured.</summary>
public interface IDemoTrafficSink
{
    void Record(MetricEvent measurement);
}

/// <summary>
/// Hands the demo's measurements to the telemetry ingest, by the same rules as posted events, so the demo's traffic
/// becomes the live metrics, alerts and charts. Recording is fire-and-forget: a refused event (e.g. a version removed
/// from the catalogue a moment ago) is logged, never thrown into the generator.
/// </summary>
internal sealed partial class IngestDemoTrafficSink(MetricsIngest ingest, ILogger<IngestDemoTrafficSink> logger) : IDemoTrafficSink
{
    public void Record(MetricEvent measurement) => _ = RecordAsync(measurement);

    private async Task RecordAsync(MetricEvent measurement)
    {
        try
        {
            await ingest.RecordAsync([measurement]);
        }
        catch (OperationException refused)
        {
            LogRefused(logger, measurement.Series.ToString(), refused.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Demo measurement for {Series} was refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string series, string reason);
}
