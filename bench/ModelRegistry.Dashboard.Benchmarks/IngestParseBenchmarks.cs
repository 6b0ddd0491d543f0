using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>What one 100-event request body costs to read into <see cref="MetricEventBatch"/>, without HTTP.</summary>
[MemoryDiagnoser]
public class IngestParseBenchmarks
{
    private byte[] _payload = [];

    [GlobalSetup]
    public void Setup() => _payload = IngestLoadDriver.Payload(1);

    [Benchmark(Description = "Deserialize 100-event body (bytes)")]
    public int Deserialize() => JsonSerializer.Deserialize<MetricEventBatch>(_payload, JsonSerializerOptions.Web)!.Events!.Count;

    [Benchmark(Description = "DeserializeAsync 100-event body (stream)")]
    public async Task<int> DeserializeStream()
    {
        using var stream = new MemoryStream(_payload, writable: false);
        var batch = await JsonSerializer.DeserializeAsync<MetricEventBatch>(stream, JsonSerializerOptions.Web);
        return batch!.Events!.Count;
    }
}
