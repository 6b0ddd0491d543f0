namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>Turns measured figures into the <see cref="MetricPoint"/> the series API and the charts show.</summary>
internal static class MetricPoints
{
    public static MetricPoint From(DateTime timestamp, in WindowFigures figures)
    {
        var point = default(PointFigures);
        point.Add(in figures);
        return point.ToPoint(timestamp);
    }
}

/// <summary>Sums of one point; percentiles of parts are combined weighted by their requests.</summary>
internal struct PointFigures
{
    private long _requests;
    private long _errors;
    private double _latencySumMs;
    private double _maxMs;
    private double _p50Weighted;
    private double _p95Weighted;
    private double _p99Weighted;
    private long _inputTokens;
    private long _outputTokens;
    private long _rateLimited;
    private long _clientErrors;
    private FirstTokenFigures _firstToken;

    public void Add(MetricRollup row)
    {
        _firstToken = _firstToken.Plus(new FirstTokenFigures(row.StreamedRequests, (long)Math.Round(row.TimeToFirstTokenSumMs * 1000), (long)Math.Round(row.MaxTimeToFirstTokenMs * 1000)));
        Add(row.Requests, row.Errors, row.LatencySumMs, row.MaxLatencyMs, row.P50LatencyMs, row.P95LatencyMs, row.P99LatencyMs, row.InputTokens, row.OutputTokens);
        _rateLimited += row.RateLimited;
        _clientErrors += row.ClientErrors;
    }

    public void Add(in WindowFigures f)
    {
        _rateLimited += f.RateLimited;
        _clientErrors += f.ClientErrors;
        _firstToken = _firstToken.Plus(f.FirstToken);
        if (f.Requests > 0)
        {
            Add(f.Requests, f.Errors, f.LatencySumMicros / 1000.0, f.MaxMicros / 1000.0, f.P50Micros / 1000.0, f.P95Micros / 1000.0, f.P99Micros / 1000.0, f.InputTokens, f.OutputTokens);
        }
    }

    public readonly MetricPoint ToPoint(DateTime timestamp)
    {
        var n = _requests;
        return new MetricPoint(
            timestamp,
            n,
            _errors,
            n == 0 ? 0 : (double)_errors / n,
            n == 0 ? 0 : _latencySumMs / n,
            n == 0 ? 0 : _p50Weighted / n,
            n == 0 ? 0 : _p95Weighted / n,
            n == 0 ? 0 : _p99Weighted / n,
            _maxMs,
            _inputTokens,
            _outputTokens,
            _rateLimited,
            _clientErrors,
            _firstToken.Count,
            _firstToken.AverageMs);
    }

    private void Add(long requests, long errors, double latencySumMs, double maxMs, double p50, double p95, double p99, long input, long output)
    {
        _requests += requests;
        _errors += errors;
        _latencySumMs += latencySumMs;
        _maxMs = Math.Max(_maxMs, maxMs);
        _p50Weighted += p50 * requests;
        _p95Weighted += p95 * requests;
        _p99Weighted += p99 * requests;
        _inputTokens += input;
        _outputTokens += output;
    }
}
