namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The figures of one series over one span of time (a second or ten seconds): count, errors, latency histogram and sum,
/// tokens. Writers only ever add (Interlocked); a bucket is reset and given a new <see cref="Epoch"/> under its series'
/// lock, and only when it is reused for a different span.
/// </summary>
internal sealed class MetricBucket
{
    /// <summary>The span this bucket holds: the absolute second (one-second tier) or ten-second block number.</summary>
    public long Epoch;

    public long Errors;

    public long LatencySumMicros;

    public long MaxMicros;

    public long InputTokens;

    public long OutputTokens;

    public MetricBucket(long epoch)
    {
        Epoch = epoch;
    }

    public LatencyRecorder Histogram { get; } = new();

    public long Count => Histogram.TotalCount;

    /// <summary>The hot path: no allocation, no lock; one histogram record and a few interlocked adds.</summary>
    public void Add(long micros, bool success, int inputTokens, int outputTokens)
    {
        Histogram.RecordValue(micros);
        Interlocked.Add(ref LatencySumMicros, micros);
        if (!success)
        {
            Interlocked.Increment(ref Errors);
        }

        if (inputTokens > 0)
        {
            Interlocked.Add(ref InputTokens, inputTokens);
        }

        if (outputTokens > 0)
        {
            Interlocked.Add(ref OutputTokens, outputTokens);
        }

        var max = Volatile.Read(ref MaxMicros);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref MaxMicros, micros, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Moves another bucket's figures into this one (a second ageing into its ten-second block).</summary>
    public void Merge(MetricBucket from, long[] scratch)
    {
        from.Histogram.CopyCountsTo(scratch);
        Histogram.AddCounts(scratch);
        Interlocked.Add(ref LatencySumMicros, Volatile.Read(ref from.LatencySumMicros));
        Interlocked.Add(ref Errors, Volatile.Read(ref from.Errors));
        Interlocked.Add(ref InputTokens, Volatile.Read(ref from.InputTokens));
        Interlocked.Add(ref OutputTokens, Volatile.Read(ref from.OutputTokens));
        var fromMax = Volatile.Read(ref from.MaxMicros);
        var max = Volatile.Read(ref MaxMicros);
        while (fromMax > max)
        {
            var seen = Interlocked.CompareExchange(ref MaxMicros, fromMax, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Empties the bucket for reuse; the new epoch is published last, so writers of it see an empty bucket.</summary>
    public void Reset(long epoch)
    {
        Histogram.Reset();
        Volatile.Write(ref Errors, 0);
        Volatile.Write(ref LatencySumMicros, 0);
        Volatile.Write(ref MaxMicros, 0);
        Volatile.Write(ref InputTokens, 0);
        Volatile.Write(ref OutputTokens, 0);
        Volatile.Write(ref Epoch, epoch);
    }
}

/// <summary>Plain counters (no histogram): what a series has recorded since the process started.</summary>
internal struct MetricTotals
{
    public long Requests;
    public long Errors;
    public long LatencySumMicros;
    public long InputTokens;
    public long OutputTokens;

    public void Add(MetricBucket bucket)
    {
        Requests += bucket.Count;
        Errors += Volatile.Read(ref bucket.Errors);
        LatencySumMicros += Volatile.Read(ref bucket.LatencySumMicros);
        InputTokens += Volatile.Read(ref bucket.InputTokens);
        OutputTokens += Volatile.Read(ref bucket.OutputTokens);
    }
}

/// <summary>Every figure of one series over a span of buckets, latencies in microseconds.</summary>
internal readonly record struct WindowFigures(
    long Requests,
    long Errors,
    long LatencySumMicros,
    long MaxMicros,
    long P50Micros,
    long P95Micros,
    long P99Micros,
    long InputTokens,
    long OutputTokens)
{
    public bool IsEmpty => Requests == 0;
}
