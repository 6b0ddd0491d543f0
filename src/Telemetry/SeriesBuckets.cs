namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The buckets of one series in two tiers of rings:
/// <list type="bullet">
/// <item>one-second buckets for the last <see cref="SecondSlots"/> seconds — a writer records into the slot of its event's
/// second; when that slot still holds an older second, the old second is merged into its ten-second block and the
/// bucket is reset and reused (under the series lock, only when the epoch differs);</item>
/// <item>ten-second blocks for <see cref="BlockSlots"/> × 10 s (beyond the 15-minute window, so the last minute of a
/// window can still be rolled up); events older than <see cref="LateSecondHorizon"/> seconds are recorded into their
/// block directly.</item>
/// </list>
/// Buckets are allocated the first time their slot is used and reused from then on. Every event therefore lives in
/// exactly one bucket at a time; data that falls out of the rings is added to <see cref="_retired"/> so that totals
/// since start stay exact.
/// </summary>
internal sealed class SeriesBuckets
{
    public const int SecondSlots = 120;

    /// <summary>
    /// Late events newer than this go to their one-second bucket, older ones to their block. Being half the ring, a slot
    /// is never recycled while a writer of its previous second could still be on its way to it (unless that writer
    /// stalls for a minute between reading the slot's epoch and adding to it).
    /// </summary>
    public const int LateSecondHorizon = 60;

    public const int BlockSeconds = 10;

    public const int BlockSlots = 100;

    private readonly MetricBucket?[] _seconds = new MetricBucket?[SecondSlots];
    private readonly MetricBucket?[] _blocks = new MetricBucket?[BlockSlots];
    private readonly Lock _gate = new();
    private MetricTotals _retired;
    private long _lastSecond = long.MinValue;
    private long _retiringSince;

    // Read scratch, used only under _gate.
    private long[]? _counts;
    private long[]? _merged;
    private LatencySnapshot? _snapshot;

    public SeriesBuckets(SeriesKey key)
    {
        Key = key;
    }

    public SeriesKey Key { get; }

    /// <summary>The newest second anything was recorded for (a benign race may keep a slightly older one).</summary>
    public long LastSecond => Volatile.Read(ref _lastSecond);

    /// <summary>
    /// Marked for eviction (see <see cref="SeriesTable.RemoveRetired"/>): a writer that finds a retiring series revives it
    /// through the table before recording, so only a writer that looked the series up before the mark and then stalled
    /// for the whole retirement grace could record into a series already removed.
    /// </summary>
    public bool IsRetiring => Volatile.Read(ref _retiringSince) != 0;

    /// <summary>The second eviction marked this series, or 0 while it is live.</summary>
    public long RetiringSince
    {
        get => Volatile.Read(ref _retiringSince);
        set => Volatile.Write(ref _retiringSince, value);
    }

    /// <summary>Taken out of the table (set under the table's lock); a retiring series found removed is not revived.</summary>
    public bool Removed { get; set; }

    /// <summary>Records one event for <paramref name="second"/>, which is <paramref name="age"/> seconds before now (0 or more).</summary>
    /// <param name="excused">A rate-limited or client-error request (<see cref="ErrorTypes"/>): counted apart.</param>
    /// <param name="firstTokenMicros">A stream's time to first token, or negative when not measured.</param>
    public bool Record(long second, long age, long micros, bool success, int inputTokens, int outputTokens, ExcusedKind excused = ExcusedKind.None, long firstTokenMicros = -1)
    {
        if (BucketFor(second, age) is not { } bucket)
        {
            return false;
        }

        if (excused == ExcusedKind.None)
        {
            bucket.Add(micros, success, inputTokens, outputTokens, firstTokenMicros);
        }
        else
        {
            bucket.AddExcused(excused == ExcusedKind.RateLimited);
        }

        Touch(second);
        return true;
    }

    /// <summary>Adds figures measured elsewhere (a standalone gateway's aggregate) to <paramref name="second"/>'s bucket.</summary>
    public bool Record(long second, long age, in BucketFigures figures, long[] counts)
    {
        if (BucketFor(second, age) is not { } bucket)
        {
            return false;
        }

        bucket.Add(in figures, counts);
        Touch(second);
        return true;
    }

    private MetricBucket? BucketFor(long second, long age) =>
        (age < LateSecondHorizon ? SecondBucket(second) : null) ?? BlockBucket(FloorDiv(second, BlockSeconds));

    private void Touch(long second)
    {
        if (second > Volatile.Read(ref _lastSecond))
        {
            Volatile.Write(ref _lastSecond, second);
        }
    }

    /// <summary>Merges every bucket whose span starts within [<paramref name="fromSecond"/>, <paramref name="toSecond"/>].</summary>
    /// <remarks>A ten-second block counts when its first second is in range, so a range's far edge is exact to the
    /// second for the last two minutes and to ten seconds beyond.</remarks>
    public WindowFigures Aggregate(long fromSecond, long toSecond, bool withPercentiles = true)
    {
        lock (_gate)
        {
            _counts ??= new long[LatencyScale.CountsLength];
            _merged ??= new long[LatencyScale.CountsLength];
            _snapshot ??= new LatencySnapshot();
            Array.Clear(_merged);
            long requests = 0, errors = 0, sum = 0, max = 0, input = 0, output = 0, rateLimited = 0, clientErrors = 0;
            var firstToken = default(FirstTokenFigures);

            void Take(MetricBucket bucket)
            {
                var figures = bucket.Read(withPercentiles ? _counts : null);
                if (figures.IsEmpty)
                {
                    return;
                }

                rateLimited += figures.RateLimited;
                clientErrors += figures.ClientErrors;
                firstToken = firstToken.Plus(figures.FirstToken);

                requests += figures.Count;
                errors += figures.Errors;
                sum += figures.LatencySumMicros;
                input += figures.InputTokens;
                output += figures.OutputTokens;
                max = Math.Max(max, figures.MaxMicros);
                if (withPercentiles)
                {
                    for (var i = 0; i < _merged!.Length; i++)
                    {
                        _merged[i] += _counts![i];
                    }
                }
            }

            foreach (var bucket in _seconds)
            {
                if (bucket is not null && bucket.Epoch >= fromSecond && bucket.Epoch <= toSecond)
                {
                    Take(bucket);
                }
            }

            foreach (var block in _blocks)
            {
                if (block is not null && block.Epoch * BlockSeconds >= fromSecond && block.Epoch * BlockSeconds <= toSecond)
                {
                    Take(block);
                }
            }

            if (requests == 0)
            {
                return new WindowFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, rateLimited, clientErrors);
            }

            if (!withPercentiles)
            {
                return new WindowFigures(requests, errors, sum, max, 0, 0, 0, input, output, rateLimited, clientErrors) { FirstToken = firstToken };
            }

            _snapshot.Load(_merged);
            return new WindowFigures(
                requests,
                errors,
                sum,
                max,
                _snapshot.Percentile(50, max),
                _snapshot.Percentile(95, max),
                _snapshot.Percentile(99, max),
                input,
                output,
                rateLimited,
                clientErrors)
            {
                FirstToken = firstToken,
            };
        }
    }

    /// <summary>Everything recorded since start: retired figures plus every bucket still held.</summary>
    public MetricTotals Totals()
    {
        lock (_gate)
        {
            var totals = _retired;
            foreach (var bucket in _seconds)
            {
                if (bucket is not null)
                {
                    totals.Add(bucket);
                }
            }

            foreach (var block in _blocks)
            {
                if (block is not null)
                {
                    totals.Add(block);
                }
            }

            return totals;
        }
    }

    private MetricBucket? SecondBucket(long second)
    {
        var bucket = _seconds[(int)FloorMod(second, SecondSlots)];
        return bucket is not null && Volatile.Read(ref bucket.Epoch) == second ? bucket : RotateSecond(second);
    }

    private MetricBucket? BlockBucket(long block)
    {
        var bucket = _blocks[(int)FloorMod(block, BlockSlots)];
        if (bucket is not null && Volatile.Read(ref bucket.Epoch) == block)
        {
            return bucket;
        }

        lock (_gate)
        {
            return BlockBucketLocked(block);
        }
    }

    private MetricBucket? RotateSecond(long second)
    {
        lock (_gate)
        {
            ref var slot = ref _seconds[(int)FloorMod(second, SecondSlots)];
            var bucket = slot;
            if (bucket is null)
            {
                bucket = new MetricBucket(second);
                Volatile.Write(ref slot, bucket);
                return bucket;
            }

            var epoch = bucket.Epoch;
            if (epoch == second)
            {
                return bucket;
            }

            if (epoch > second)
            {
                // The slot already holds a newer second: this one goes to its block instead.
                return null;
            }

            if (bucket.Count > 0)
            {
                _counts ??= new long[LatencyScale.CountsLength];
                var block = BlockBucketLocked(FloorDiv(epoch, BlockSeconds));
                if (block is not null)
                {
                    block.Merge(bucket, _counts);
                }
                else
                {
                    _retired.Add(bucket);
                }
            }

            bucket.Reset(second);
            return bucket;
        }
    }

    private MetricBucket? BlockBucketLocked(long block)
    {
        ref var slot = ref _blocks[(int)FloorMod(block, BlockSlots)];
        var bucket = slot;
        if (bucket is null)
        {
            bucket = new MetricBucket(block);
            Volatile.Write(ref slot, bucket);
            return bucket;
        }

        var epoch = bucket.Epoch;
        if (epoch == block)
        {
            return bucket;
        }

        if (epoch > block)
        {
            return null;
        }

        _retired.Add(bucket);
        bucket.Reset(block);
        return bucket;
    }

    // Seconds count from 0001-01-01, so they are never negative: plain division by the constants is exact (and cheap).
    private static long FloorDiv(long value, long divisor) => value / divisor;

    private static long FloorMod(long value, long divisor) => value % divisor;
}
