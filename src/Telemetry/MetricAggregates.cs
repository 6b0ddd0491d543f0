using HdrHistogram;
using HdrHistogram.Utilities;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// <c>POST /api/v1/metrics/aggregates</c> body: what a standalone gateway measured since its last shipment, one
/// aggregate per series (DESIGN.md glossary: <em>Metric event</em>, summed), merged into the store as if its events had
/// been recorded here.
/// </summary>
public sealed record MetricAggregateBatch
{
    /// <summary>Who measured it (a gateway's name), for the logs.</summary>
    public string? Source { get; init; }

    public IReadOnlyList<MetricAggregateInput?>? Aggregates { get; init; }
}

/// <summary>
/// One series' figures over a short span ending at <see cref="Timestamp"/>. <see cref="Requests"/> are the requests the
/// version answered or failed (not the <c>rate_limited</c> or <c>client_error</c> ones, which are only in
/// <see cref="ErrorsByType"/>); <see cref="LatencyHistogram"/> is their latencies in microseconds, an HdrHistogram in its
/// standard compressed V2 encoding, base64 (what <c>HistogramLogWriter</c> writes), whose total is
/// <see cref="Requests"/>.
/// </summary>
public sealed record MetricAggregateInput
{
    public string? Model { get; init; }

    public string? Version { get; init; }

    public string? Environment { get; init; }

    public DateTime? Timestamp { get; init; }

    public long? Requests { get; init; }

    /// <summary>Failures by taxonomy (<see cref="ErrorTypes"/>); the excused ones are not among <see cref="Requests"/>.</summary>
    public IReadOnlyDictionary<string, long>? ErrorsByType { get; init; }

    public double? LatencySumMs { get; init; }

    public double? MaxLatencyMs { get; init; }

    public string? LatencyHistogram { get; init; }

    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    public long? StreamedRequests { get; init; }

    public double? TimeToFirstTokenSumMs { get; init; }

    public double? MaxTimeToFirstTokenMs { get; init; }
}

/// <summary>A validated aggregate: one series, one second, its figures and its histogram counts in the store's layout.</summary>
internal readonly record struct MetricAggregate(SeriesKey Series, DateTime Timestamp, BucketFigures Figures, long[] Counts);

/// <summary>
/// Sums the measurements of one series until they are taken (<see cref="Drain"/>), for shipping as one
/// <see cref="MetricAggregateInput"/>: what a standalone gateway sends the control plane once a second instead of every
/// event. Thread-safe; recording takes one short lock.
/// </summary>
public sealed class MetricAccumulator(SeriesKey series)
{
    private readonly Lock _gate = new();
    private readonly LongHistogram _latency = new(1, LatencyScale.HighestMicros, LatencyScale.SignificantDigits);
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _requests;
    private long _latencySumMicros;
    private long _maxMicros;
    private long _inputTokens;
    private long _outputTokens;
    private long _streamed;
    private long _firstTokenSumMicros;
    private long _firstTokenMaxMicros;

    public SeriesKey Series { get; } = series;

    public void Add(in MetricEvent measurement)
    {
        lock (_gate)
        {
            if (!measurement.Success)
            {
                var type = measurement.ErrorType ?? ErrorTypes.UpstreamError;
                _errors[type] = _errors.GetValueOrDefault(type) + 1;
                if (ErrorTypes.Excused(type) != ExcusedKind.None)
                {
                    return;
                }
            }

            var micros = LatencyScale.ToMicros(measurement.LatencyMs);
            _requests++;
            _latency.RecordValue(micros);
            _latencySumMicros += micros;
            _maxMicros = Math.Max(_maxMicros, micros);
            _inputTokens += Math.Max(measurement.InputTokens, 0);
            _outputTokens += Math.Max(measurement.OutputTokens, 0);
            if (measurement.TimeToFirstTokenMs is { } firstToken)
            {
                var firstTokenMicros = LatencyScale.ToMicros(firstToken);
                _streamed++;
                _firstTokenSumMicros += firstTokenMicros;
                _firstTokenMaxMicros = Math.Max(_firstTokenMaxMicros, firstTokenMicros);
            }
        }
    }

    /// <summary>Everything added since the last drain, stamped <paramref name="at"/>, and empties the sums; null when nothing was.</summary>
    public MetricAggregateInput? Drain(DateTime at)
    {
        lock (_gate)
        {
            if (_requests == 0 && _errors.Count == 0)
            {
                return null;
            }

            var input = new MetricAggregateInput
            {
                Model = Series.Model,
                Version = Series.Version,
                Environment = Series.Environment,
                Timestamp = at,
                Requests = _requests,
                ErrorsByType = new Dictionary<string, long>(_errors, StringComparer.Ordinal),
                LatencySumMs = _latencySumMicros / 1000.0,
                MaxLatencyMs = _maxMicros / 1000.0,
                LatencyHistogram = MetricHistogramEncoding.Encode(_latency),
                InputTokens = _inputTokens,
                OutputTokens = _outputTokens,
                StreamedRequests = _streamed,
                TimeToFirstTokenSumMs = _firstTokenSumMicros / 1000.0,
                MaxTimeToFirstTokenMs = _firstTokenMaxMicros / 1000.0,
            };
            _latency.Reset();
            _errors.Clear();
            _requests = _latencySumMicros = _maxMicros = _inputTokens = _outputTokens = 0;
            _streamed = _firstTokenSumMicros = _firstTokenMaxMicros = 0;
            return input;
        }
    }
}

/// <summary>HdrHistogram's compressed V2 encoding, base64, and back into the store's counts layout.</summary>
internal static class MetricHistogramEncoding
{
    public static string Encode(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = HistogramEncoding.EncodeIntoCompressedByteBuffer(histogram, buffer);
        var bytes = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>
    /// The counts of an encoded histogram in the layout of <see cref="LatencyScale"/> (whatever layout it was encoded
    /// with: each recorded value is recorded again), or null with <paramref name="error"/> when it does not decode.
    /// </summary>
    public static long[]? Decode(string base64, out long total, out string? error)
    {
        total = 0;
        error = null;
        HistogramBase decoded;
        try
        {
            decoded = HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(Convert.FromBase64String(base64)), LatencyScale.HighestMicros);
        }
#pragma warning disable CA1031 // a malformed payload may fail in any way inside the decoder; it is the caller's bad input
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = $"it is not a base64 HdrHistogram in the compressed V2 encoding ({e.GetType().Name}).";
            return null;
        }

        var recorder = new LatencyRecorder();
        foreach (var value in decoded.RecordedValues())
        {
            if (value.ValueIteratedTo > LatencyScale.HighestMicros || value.CountAtValueIteratedTo > int.MaxValue)
            {
                error = $"it holds a value or count beyond the store's range (latencies up to {LatencyScale.HighestMicros / 1_000_000} s).";
                return null;
            }

            recorder.RecordValueWithCount(value.ValueIteratedTo, value.CountAtValueIteratedTo);
        }

        var counts = new long[LatencyScale.CountsLength];
        recorder.CopyCountsTo(counts);
        total = recorder.TotalCount;
        return counts;
    }
}
