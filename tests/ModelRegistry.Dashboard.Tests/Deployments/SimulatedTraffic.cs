using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>How one simulated version behaves: its error rate, a log-normal latency, and a normal token count.</summary>
internal sealed record TrafficModel(double ErrorRate, double MedianLatencyMs = 150, double LatencyLogSigma = 0.5, double MeanTokens = 500, double TokensSd = 150)
{
    public void Serve(Random random, SimulatedSeries series, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            var (forLatency, forTokens) = StandardNormals(random);
            var latency = MedianLatencyMs * Math.Exp(LatencyLogSigma * forLatency);
            var tokens = (int)Math.Max(1, Math.Round(MeanTokens + (TokensSd * forTokens)));
            series.Record(latency, random.NextDouble() >= ErrorRate, tokens);
        }
    }

    /// <summary>Box–Muller: two independent standard normals from two uniforms.</summary>
    private static (double, double) StandardNormals(Random random)
    {
        var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
        var (sin, cos) = Math.SinCos(2 * Math.PI * random.NextDouble());
        return (radius * cos, radius * sin);
    }
}

/// <summary>
/// Accumulates simulated requests into the figures a <see cref="MetricsSummary"/> carries, the way the telemetry store
/// does: counts and sums, the exact maximum, and percentiles from a log-bucketed histogram (1% wide buckets).
/// </summary>
internal sealed class SimulatedSeries(string version)
{
    private static readonly double LogBucket = Math.Log(1.01);
    private readonly int[] _buckets = new int[1500];
    private long _requests;
    private long _errors;
    private double _latencySum;
    private double _max;
    private long _tokens;
    private int _lowest = int.MaxValue;
    private int _highest = -1;

    public void Record(double latencyMs, bool success, int tokens)
    {
        _requests++;
        _errors += success ? 0 : 1;
        _latencySum += latencyMs;
        _max = Math.Max(_max, latencyMs);
        _tokens += tokens;
        var bucket = Math.Clamp((int)(Math.Log(Math.Max(1, latencyMs)) / LogBucket), 0, _buckets.Length - 1);
        _buckets[bucket]++;
        (_lowest, _highest) = (Math.Min(_lowest, bucket), Math.Max(_highest, bucket));
    }

    public MetricsSummary Summary()
    {
        var (p50, p95, p99) = Percentiles();
        return new MetricsSummary(
            "production", "support-chat", version, 60, _requests, _errors,
            (double)_errors / _requests, (double)(_requests - _errors) / _requests,
            _latencySum / _requests, p50, p95, p99, _max,
            _tokens / 2, _tokens - (_tokens / 2), (double)_tokens / _requests);
    }

    private (double P50, double P95, double P99) Percentiles()
    {
        long[] ranks = [(long)Math.Ceiling(0.50 * _requests), (long)Math.Ceiling(0.95 * _requests), (long)Math.Ceiling(0.99 * _requests)];
        var values = new double[3];
        long seen = 0;
        var next = 0;
        // Only the occupied buckets: the simulations summarise after every request.
        for (var i = _lowest; i <= _highest && next < 3; i++)
        {
            seen += _buckets[i];
            while (next < 3 && seen >= ranks[next])
            {
                values[next++] = Math.Exp((i + 0.5) * LogBucket);
            }
        }

        return (values[0], values[1], values[2]);
    }
}
