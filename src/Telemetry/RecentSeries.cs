namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The last four series seen in one pass over a batch, with what was looked up for each. Batches from a serving layer
/// are runs of a few series (a canary interleaves two versions), so most events skip the hash lookup.
/// </summary>
internal struct RecentSeries<T>
{
    private SeriesKey _key0, _key1, _key2, _key3;
    private T _value0, _value1, _value2, _value3;
    private int _filled;
    private int _next;

    public RecentSeries()
    {
        _value0 = _value1 = _value2 = _value3 = default!;
    }

    public readonly bool TryFind(in SeriesKey key, out T value)
    {
        value = default!;
        if (_filled > 0 && SeriesTable.SameNames(_key0, key))
        {
            value = _value0;
            return true;
        }

        if (_filled > 1 && SeriesTable.SameNames(_key1, key))
        {
            value = _value1;
            return true;
        }

        if (_filled > 2 && SeriesTable.SameNames(_key2, key))
        {
            value = _value2;
            return true;
        }

        if (_filled > 3 && SeriesTable.SameNames(_key3, key))
        {
            value = _value3;
            return true;
        }

        return false;
    }

    public void Remember(in SeriesKey key, T value)
    {
        switch (_next)
        {
            case 0: _key0 = key; _value0 = value; break;
            case 1: _key1 = key; _value1 = value; break;
            case 2: _key2 = key; _value2 = value; break;
            default: _key3 = key; _value3 = value; break;
        }

        _next = (_next + 1) & 3;
        _filled = Math.Min(_filled + 1, 4);
    }
}
