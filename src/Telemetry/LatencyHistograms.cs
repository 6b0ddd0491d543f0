using HdrHistogram;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The one histogram shape used for latency: microseconds from 0 to 600 s, two significant decimal digits.
/// HdrHistogram with two digits keeps 128 sub-buckets per power of two, so any value it reports lies within
/// 1/128 (&lt; 0.8%) of the recorded value, and the store reports the middle of a bucket (within 0.4%):
/// <b>percentiles carry a relative error of at most 1%</b>.
/// </summary>
internal static class LatencyScale
{
    public const long HighestMicros = 600_000_000;

    public const int SignificantDigits = 2;

    /// <summary>The stated bound on the relative error of every latency percentile.</summary>
    public const double RelativeError = 0.01;

    /// <summary>Length of the counts array, as HdrHistogram lays it out: (buckets + 1) × half the sub-buckets.</summary>
    public static readonly int CountsLength = ComputeCountsLength();

    public static long ToMicros(double latencyMs)
    {
        // NaN and negatives fall to zero, anything past the range to its top: the ingest refuses them before this.
        if (!(latencyMs > 0))
        {
            return 0;
        }

        var micros = latencyMs * 1000.0 + 0.5;
        return micros >= HighestMicros ? HighestMicros : (long)micros;
    }

    private static int ComputeCountsLength()
    {
        var probe = new LongHistogram(1, HighestMicros, SignificantDigits);
        return (probe.BucketCount + 1) * (probe.SubBucketCount / 2);
    }
}

/// <summary>
/// The histogram of one bucket: HdrHistogram's <see cref="IntHistogram"/> (its bucketing and index arithmetic, plain
/// <c>int</c> counts), written only under its <see cref="MetricBucket"/>'s lock, which also guards the bucket's other
/// figures. The raw counts are exposed so readers can merge buckets without HdrHistogram's per-value calls.
/// </summary>
internal sealed class LatencyRecorder() : IntHistogram(1, LatencyScale.HighestMicros, LatencyScale.SignificantDigits)
{
    public void CopyCountsTo(long[] target) => CopyCountsInto(target);

    /// <summary>Adds raw counts (same layout) recorded elsewhere.</summary>
    public void AddCounts(long[] counts)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                AddToCountAtIndex(i, counts[i]);
            }
        }
    }
}

/// <summary>A single-threaded histogram that merged counts are loaded into, to read percentiles from.</summary>
internal sealed class LatencySnapshot() : LongHistogram(1, LatencyScale.HighestMicros, LatencyScale.SignificantDigits)
{
    public void Load(long[] counts)
    {
        Reset();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                AddToCountAtIndex(i, counts[i]);
            }
        }
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> in microseconds (nearest rank), or 0 when nothing was recorded: the
    /// middle of its histogram bucket (so within half a bucket, &lt; 0.4%), never above the exact <paramref name="maxMicros"/>.
    /// </summary>
    public long Percentile(double percentile, long maxMicros) =>
        TotalCount == 0 ? 0 : Math.Min(MedianEquivalentValue(GetValueAtPercentile(percentile)), maxMicros);
}
