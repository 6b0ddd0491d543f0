using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>
/// A standalone gateway's measurements: summed per series (<see cref="MetricAccumulator"/>) and shipped to the control
/// plane every <c>Gateway:ControlPlane:ShipIntervalMilliseconds</c> as aggregates — counts, errors by type, tokens, time to
/// first token and the latency histogram, which the control plane merges with every other gateway's. A shipment the
/// control plane could not take is kept and sent again with the next (up to the live window's age); one it refused as
/// invalid is dropped and logged.
/// </summary>
internal sealed partial class AggregateShipper(
    WorkerHost host,
    ControlPlaneClient client,
    IOptions<GatewayOptions> options,
    ILogger<AggregateShipper> logger) : SupervisedWorker(host), IGatewayRecorder
{
    private readonly ConcurrentDictionary<SeriesKey, MetricAccumulator> _series = new();
    private readonly List<MetricAggregateInput> _pending = [];

    public override string Name => "gateway-shipper";

    protected override TimeSpan Interval => TimeSpan.FromMilliseconds(options.Value.ControlPlane.ShipIntervalMilliseconds);

    /// <summary>Aggregates waiting for the control plane (shipped, failed, kept for the next attempt).</summary>
    public int Pending => _pending.Count;

    public void Record(in MetricEvent measurement)
    {
        var series = measurement.Series;
        _series.GetOrAdd(series, static key => new MetricAccumulator(key)).Add(in measurement);
    }

    protected override async Task RunOnceAsync(CancellationToken stoppingToken) => await ShipAsync(stoppingToken);

    protected override Task StoppedAsync() => ShipAsync(CancellationToken.None); // what the last second measured

    private async Task ShipAsync(CancellationToken cancellationToken)
    {
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        foreach (var accumulator in _series.Values)
        {
            if (accumulator.Drain(now) is { } aggregate)
            {
                _pending.Add(aggregate);
            }
        }

        _pending.RemoveAll(a => now - a.Timestamp > MetricsIngest.MaxAge - TimeSpan.FromSeconds(30));
        if (_pending.Count == 0)
        {
            return;
        }

        var shipment = _pending.Take(MetricsIngest.MaxAggregatesPerBatch).ToList();
        var status = await client.ShipAsync(new MetricAggregateBatch { Source = options.Value.ControlPlane.Name, Aggregates = shipment }, cancellationToken);
        if ((int)status is >= 200 and < 300)
        {
            _pending.RemoveRange(0, shipment.Count);
            return;
        }

        if ((int)status is >= 400 and < 500 and not 408 and not 429)
        {
            _pending.RemoveRange(0, shipment.Count);
            LogRefused(logger, shipment.Count, (int)status);
            return;
        }

        throw new HttpRequestException($"The control plane answered {(int)status} to a shipment of {shipment.Count} aggregates; they are kept and sent again.", null, status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The control plane refused {Count} aggregates ({Status}); they are dropped.")]
    private static partial void LogRefused(ILogger logger, int count, int status);
}
