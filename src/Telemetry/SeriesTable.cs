namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The store's map from <see cref="SeriesKey"/> to its buckets: an open-addressing table read without locks, written
/// (rarely: once per new series) under a lock by publishing a filled slot or a grown copy. A lookup is a cheap hash
/// (<see cref="SeriesKeyComparer"/>) and reference comparisons of the names — about a third of what a
/// <c>ConcurrentDictionary</c> lookup costs with the same key.
/// </summary>
internal sealed class SeriesTable
{
    private readonly Lock _gate = new();
    private Entry?[] _entries = new Entry?[64];
    private int _count;

    public SeriesBuckets GetOrAdd(in SeriesKey key) => Find(in key) ?? Add(in key);

    public SeriesBuckets? Find(in SeriesKey key)
    {
        var hash = SeriesKeyComparer.Hash(in key);
        var entries = Volatile.Read(ref _entries);
        var mask = entries.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var entry = Volatile.Read(ref entries[i]);
            if (entry is null)
            {
                return null;
            }

            if (entry.Hash == hash && SameNames(entry.Buckets.Key, key))
            {
                return entry.Buckets;
            }
        }
    }

    /// <summary>Every series ever recorded, in no particular order.</summary>
    public List<SeriesBuckets> Snapshot()
    {
        var entries = Volatile.Read(ref _entries);
        var all = new List<SeriesBuckets>(_count);
        foreach (var entry in entries)
        {
            if (entry is not null)
            {
                all.Add(entry.Buckets);
            }
        }

        return all;
    }

    private SeriesBuckets Add(in SeriesKey key)
    {
        lock (_gate)
        {
            if (Find(in key) is { } raced)
            {
                return raced;
            }

            if ((_count + 1) * 2 > _entries.Length)
            {
                var grown = new Entry?[_entries.Length * 2];
                foreach (var entry in _entries)
                {
                    if (entry is not null)
                    {
                        Place(grown, entry);
                    }
                }

                Volatile.Write(ref _entries, grown);
            }

            var added = new Entry(SeriesKeyComparer.Hash(in key), new SeriesBuckets(key));
            Place(_entries, added);
            _count++;
            return added.Buckets;
        }
    }

    private static void Place(Entry?[] entries, Entry entry)
    {
        var mask = entries.Length - 1;
        var i = entry.Hash & mask;
        while (entries[i] is not null)
        {
            i = (i + 1) & mask;
        }

        Volatile.Write(ref entries[i], entry);
    }

    /// <summary>Reference equality first: events of one series usually share the catalogue's string instances.</summary>
    internal static bool SameNames(in SeriesKey a, in SeriesKey b) =>
        (ReferenceEquals(a.Version, b.Version) || string.Equals(a.Version, b.Version, StringComparison.Ordinal))
        && (ReferenceEquals(a.Model, b.Model) || string.Equals(a.Model, b.Model, StringComparison.Ordinal))
        && (ReferenceEquals(a.Environment, b.Environment) || string.Equals(a.Environment, b.Environment, StringComparison.Ordinal));

    private sealed class Entry(int hash, SeriesBuckets buckets)
    {
        public int Hash { get; } = hash;

        public SeriesBuckets Buckets { get; } = buckets;
    }
}
