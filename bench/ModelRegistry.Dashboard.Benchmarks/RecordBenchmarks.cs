using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using ModelRegistry.Dashboard.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// ns per recorded event: the live store against an OpenTelemetry <see cref="Histogram{T}"/> with three tags, listened
/// to by the OpenTelemetry SDK (a <see cref="MeterProvider"/> with an in-memory exporter), so that Record does the real
/// aggregation work. Both record the same 1,024 events over four series.
/// </summary>
[MemoryDiagnoser]
public class RecordBenchmarks : IDisposable
{
    private const int Events = 1024;

    private readonly List<Metric> _exported = [];
    private MetricEvent[] _events = [];
    private KeyValuePair<string, object?>[][] _tags = [];
    private MetricsStore _store = null!;
    private Meter? _meter;
    private Histogram<double> _histogram = null!;
    private MeterProvider? _provider;

    [GlobalSetup]
    public void Setup()
    {
        _store = new MetricsStore(TimeProvider.System);
        SeriesKey[] series =
        [
            new("production", "support-chat", "1.4.0"),
            new("production", "support-chat", "1.5.0-rc.1"),
            new("staging", "support-chat", "1.5.0-rc.1"),
            new("production", "summarizer", "2.0.1"),
        ];
        var random = new Random(42);
        _events = new MetricEvent[Events];
        _tags = new KeyValuePair<string, object?>[Events][];
        for (var i = 0; i < Events; i++)
        {
            var key = series[i % series.Length];
            _events[i] = new MetricEvent(key, default, 5 + (random.NextDouble() * 2000), random.Next(10) != 0, random.Next(50, 500), random.Next(10, 800));
            _tags[i] =
            [
                new("environment", key.Environment),
                new("model", key.Model),
                new("version", key.Version),
            ];
        }

        _meter = new Meter("ModelRegistry.Dashboard.Benchmarks");
        _histogram = _meter.CreateHistogram<double>("inference.latency", "ms");
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_meter.Name)
            .AddInMemoryExporter(_exported)
            .Build();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "OTel Histogram<double>.Record, 3 tags")]
    public void OpenTelemetryHistogram()
    {
        var events = _events;
        for (var i = 0; i < events.Length; i++)
        {
            var tags = _tags[i];
            _histogram.Record(events[i].LatencyMs, tags[0], tags[1], tags[2]);
        }
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "MetricsStore.Record(event)")]
    public int StoreRecord()
    {
        var recorded = 0;
        var events = _events;
        for (var i = 0; i < events.Length; i++)
        {
            if (_store.Record(in events[i]))
            {
                recorded++;
            }
        }

        return recorded;
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "MetricsStore.Record(batch of 1,024)")]
    public int StoreRecordBatch() => _store.Record(_events);

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _provider?.Dispose();
        _meter?.Dispose();
        _provider = null;
        _meter = null;
        GC.SuppressFinalize(this);
    }
}
