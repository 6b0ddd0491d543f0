using System.Runtime.CompilerServices;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The figures of one series over one span of time (a second or ten seconds): count, errors, latency histogram and sum,
/// maximum, tokens.
/// <para>
/// Concurrency: every figure is guarded by one spin lock per bucket — one compare-and-swap to enter, a plain store to
/// leave, with plain adds in between — instead of the four to seven atomic operations per event that interlocked
/// counters need (HdrHistogram's <c>IntConcurrentHistogram</c> alone uses four), and it keeps an event's figures
/// consistent with each other for readers. The section is a few nanoseconds long, so writers of the same series and
/// second rarely wait; a bucket is reset and given a new <see cref="Epoch"/> under its series' lock, only when it is
/// reused for a different span.
/// </para>
/// </summary>
internal sealed class MetricBucket(long epoch)
{
    /// <summary>The span this bucket holds: the absolute second (one-second tier) or ten-second block number.</summary>
    public long Epoch = epoch;

    private readonly LatencyRecorder _histogram = new();
    private int _gate;
    private long _errors;
    private long _latencySumMicros;
    private long _maxMicros;
    private long _inputTokens;
    private long _outputTokens;
    private long _rateLimited;
    private long _clientErrors;
    private long _firstTokens;
    private long _firstTokenSumMicros;
    private long _firstTokenMaxMicros;

    /// <summary>Events recorded (a plain read of the histogram's total: exact once writers are done).</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>The hot path: no allocation, one compare-and-swap.</summary>
    /// <param name="firstTokenMicros">A stream's time to first token, or a negative number when not measured.</param>
    public void Add(long micros, bool success, int inputTokens, int outputTokens, long firstTokenMicros = -1)
    {
        Enter();
        if (firstTokenMicros >= 0)
        {
            _firstTokens++;
            _firstTokenSumMicros += firstTokenMicros;
            if (firstTokenMicros > _firstTokenMaxMicros)
            {
                _firstTokenMaxMicros = firstTokenMicros;
            }
        }

        _histogram.RecordValue(micros);
        _latencySumMicros += micros;
        if (!success)
        {
            _errors++;
        }

        _inputTokens += inputTokens;
        _outputTokens += outputTokens;
        if (micros > _maxMicros)
        {
            _maxMicros = micros;
        }

        Exit();
    }

    /// <summary>
    /// A request the version is not to blame for (<see cref="ErrorTypes.IsExcused"/>): counted on its own, outside the
    /// requests, errors and latency the verdicts and alerts judge a version by.
    /// </summary>
    public void AddExcused(bool rateLimited)
    {
        Enter();
        if (rateLimited)
        {
            _rateLimited++;
        }
        else
        {
            _clientErrors++;
        }

        Exit();
    }

    /// <summary>A consistent copy of the figures; the raw histogram counts go to <paramref name="counts"/> when given.</summary>
    public BucketFigures Read(long[]? counts)
    {
        Enter();
        try
        {
            if (counts is not null)
            {
                _histogram.CopyCountsTo(counts);
            }

            return new BucketFigures(_histogram.TotalCount, _errors, _latencySumMicros, _maxMicros, _inputTokens, _outputTokens, _rateLimited, _clientErrors)
            {
                FirstToken = new FirstTokenFigures(_firstTokens, _firstTokenSumMicros, _firstTokenMaxMicros),
            };
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Moves another bucket's figures into this one (a second ageing into its ten-second block).</summary>
    public void Merge(MetricBucket from, long[] scratch) => Add(from.Read(scratch), scratch);

    /// <summary>Adds figures measured elsewhere, with their raw histogram <paramref name="counts"/> (same layout).</summary>
    public void Add(in BucketFigures figures, long[] counts)
    {
        Enter();
        try
        {
            _histogram.AddCounts(counts);
            _errors += figures.Errors;
            _latencySumMicros += figures.LatencySumMicros;
            _inputTokens += figures.InputTokens;
            _outputTokens += figures.OutputTokens;
            _rateLimited += figures.RateLimited;
            _clientErrors += figures.ClientErrors;
            _maxMicros = Math.Max(_maxMicros, figures.MaxMicros);
            _firstTokens += figures.FirstToken.Count;
            _firstTokenSumMicros += figures.FirstToken.SumMicros;
            _firstTokenMaxMicros = Math.Max(_firstTokenMaxMicros, figures.FirstToken.MaxMicros);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Empties the bucket for reuse; the new epoch is published last, so writers of it see an empty bucket.</summary>
    public void Reset(long epoch)
    {
        Enter();
        _histogram.Reset();
        _errors = 0;
        _latencySumMicros = 0;
        _maxMicros = 0;
        _inputTokens = 0;
        _outputTokens = 0;
        _rateLimited = 0;
        _clientErrors = 0;
        _firstTokens = 0;
        _firstTokenSumMicros = 0;
        _firstTokenMaxMicros = 0;
        Exit();
        Volatile.Write(ref Epoch, epoch);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enter()
    {
        if (Interlocked.CompareExchange(ref _gate, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended()
    {
        var spin = default(SpinWait);
        do
        {
            spin.SpinOnce(); // yields, then sleeps, if the holder was descheduled
        }
        while (Volatile.Read(ref _gate) != 0 || Interlocked.CompareExchange(ref _gate, 1, 0) != 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Exit() => Volatile.Write(ref _gate, 0);
}

/// <summary>A consistent copy of one bucket's plain figures.</summary>
internal readonly record struct BucketFigures(long Count, long Errors, long LatencySumMicros, long MaxMicros, long InputTokens, long OutputTokens, long RateLimited, long ClientErrors)
{
    public FirstTokenFigures FirstToken { get; init; }

    public bool IsEmpty => Count == 0 && RateLimited == 0 && ClientErrors == 0;
}

/// <summary>Time to first token of the streamed requests among a span's: how many were measured, their sum and maximum.</summary>
internal readonly record struct FirstTokenFigures(long Count, long SumMicros, long MaxMicros)
{
    public FirstTokenFigures Plus(in FirstTokenFigures other) =>
        new(Count + other.Count, SumMicros + other.SumMicros, Math.Max(MaxMicros, other.MaxMicros));

    public FirstTokenFigures Minus(in FirstTokenFigures other) => new(Count - other.Count, SumMicros - other.SumMicros, MaxMicros);

    public double AverageMs => Count == 0 ? 0 : SumMicros / 1000.0 / Count;
}

/// <summary>Plain counters (no histogram): what a series has recorded since the process started.</summary>
internal struct MetricTotals
{
    public long Requests;
    public long Errors;
    public long LatencySumMicros;
    public long InputTokens;
    public long OutputTokens;
    public long RateLimited;
    public long ClientErrors;
    public FirstTokenFigures FirstToken;

    public void Add(MetricBucket bucket) => Add(bucket.Read(null));

    public void Add(in BucketFigures figures)
    {
        Requests += figures.Count;
        Errors += figures.Errors;
        LatencySumMicros += figures.LatencySumMicros;
        InputTokens += figures.InputTokens;
        OutputTokens += figures.OutputTokens;
        RateLimited += figures.RateLimited;
        ClientErrors += figures.ClientErrors;
        FirstToken = FirstToken.Plus(figures.FirstToken);
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
    long OutputTokens,
    long RateLimited = 0,
    long ClientErrors = 0)
{
    public FirstTokenFigures FirstToken { get; init; }

    public bool IsEmpty => Requests == 0 && RateLimited == 0 && ClientErrors == 0;
}
