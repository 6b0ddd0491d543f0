namespace ModelRegistry.Dashboard.Components.Controls.Charts;

/// <summary>
/// What a chart has not sent to the browser yet — points, and marks that came before the chart existed — and when the
/// next update may go: one per second of the clock, not one per second after the last update. The feed publishes each
/// second just after it ends, so a slot counted from the last send (the chart's creation, or one late update) would hold
/// every later point back by the same fraction of a second, drifting later with each timer's slack.
/// </summary>
internal sealed class ChartDeltas(TimeProvider clock, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private readonly List<WirePoint> _points = [];
    private readonly List<WireMark> _marks = [];
    private ITimer? _timer;
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    private bool _closed;

    public void AddPoints(IEnumerable<ChartPoint> points)
    {
        lock (_gate)
        {
            _points.AddRange(points.Select(WirePoint.From));
        }
    }

    public void AddMarks(IEnumerable<ChartMark> marks)
    {
        lock (_gate)
        {
            _marks.AddRange(marks.Select(WireMark.From));
        }
    }

    /// <summary>Drops what waits (the chart is reset to new points and marks).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _points.Clear();
            _marks.Clear();
        }
    }

    /// <summary>Everything waiting, for the chart's creation, which counts as an update.</summary>
    public (WirePoint[] Points, WireMark[] Marks) TakeAll()
    {
        lock (_gate)
        {
            var taken = (_points.ToArray(), _marks.ToArray());
            _points.Clear();
            _marks.Clear();
            _lastSent = clock.GetUtcNow();
            return taken;
        }
    }

    /// <summary>Notes an update sent outside <see cref="TakePoints"/> (a reset).</summary>
    public void Sent() => _lastSent = clock.GetUtcNow();

    /// <summary>
    /// True when an update may go now; otherwise <paramref name="flush"/> is scheduled for the next second's slot (once,
    /// however many points arrive meanwhile).
    /// </summary>
    public bool IsDueOrSchedule(Func<Task> flush)
    {
        var nextSlot = new DateTimeOffset(_lastSent.UtcTicks - (_lastSent.UtcTicks % interval.Ticks) + interval.Ticks, TimeSpan.Zero);
        var now = clock.GetUtcNow();
        if (now >= nextSlot)
        {
            return true;
        }

        lock (_gate)
        {
            _timer ??= clock.CreateTimer(_ => _ = flush(), null, nextSlot - now, Timeout.InfiniteTimeSpan);
        }

        return false;
    }

    /// <summary>The points to send now (the slot is then taken), or null when none wait or the chart is gone.</summary>
    public WirePoint[]? TakePoints()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            if (_points.Count == 0 || _closed)
            {
                return null;
            }

            var points = _points.ToArray();
            _points.Clear();
            _lastSent = clock.GetUtcNow();
            return points;
        }
    }

    /// <summary>The chart is disposed: nothing more is scheduled or sent.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
