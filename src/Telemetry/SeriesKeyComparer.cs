using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// Equality of <see cref="SeriesKey"/> with a cheap hash: each name's length and its last four characters instead of
/// hashing every character. Record lookups hash a key per event, and the default randomised string
/// hash is a third of the recording budget. Keys that differ only before their last four characters share a hash and
/// are told apart by equality; the keys are registered names (the ingest refuses any other), so no caller can flood a bucket.
/// </summary>
internal sealed class SeriesKeyComparer : IEqualityComparer<SeriesKey>
{
    public static readonly SeriesKeyComparer Instance = new();

    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    public bool Equals(SeriesKey x, SeriesKey y) =>
        string.Equals(x.Version, y.Version, StringComparison.Ordinal)
        && string.Equals(x.Model, y.Model, StringComparison.Ordinal)
        && string.Equals(x.Environment, y.Environment, StringComparison.Ordinal);

    public int GetHashCode(SeriesKey obj) => Hash(in obj);

    public static int Hash(in SeriesKey obj)
    {
        var hash = Sample(obj.Environment);
        hash = (hash * Multiplier) ^ Sample(obj.Model);
        hash = (hash * Multiplier) ^ Sample(obj.Version);
        hash *= Multiplier;
        return (int)(hash >> 32) ^ (int)hash;
    }

    private static ulong Sample(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        var length = value.Length;
        ref var first = ref MemoryMarshal.GetReference(value.AsSpan());
        var hash = (ulong)length;
        if (length >= 4)
        {
            return (hash * Multiplier) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref first, length - 4)));
        }

        for (var i = 0; i < length; i++)
        {
            hash = (hash * Multiplier) ^ Unsafe.Add(ref first, i);
        }

        return hash;
    }
}
