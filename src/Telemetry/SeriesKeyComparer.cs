using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// Equality of <see cref="SeriesKey"/> with a cheap hash over every character of the three names, four characters per
/// multiply, from a seed chosen at random per process. The default randomised string hash is a third of the recording
/// budget; sampling only part of each name (as this once did) gave <c>1.0.0</c>, <c>2.0.0</c> and <c>3.0.0</c> of a model
/// one hash, and anyone allowed to register versions could line a whole table up behind one slot. The live-series cap
/// (<see cref="TelemetryOptions.MaxLiveSeries"/>) bounds how long a probe sequence can ever get.
/// </summary>
internal sealed class SeriesKeyComparer : IEqualityComparer<SeriesKey>
{
    public static readonly SeriesKeyComparer Instance = new();

    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    public bool Equals(SeriesKey x, SeriesKey y) =>
        string.Equals(x.Version, y.Version, StringComparison.Ordinal)
        && string.Equals(x.Model, y.Model, StringComparison.Ordinal)
        && string.Equals(x.Environment, y.Environment, StringComparison.Ordinal);

    public int GetHashCode(SeriesKey obj) => Hash(in obj);

    public static int Hash(in SeriesKey obj)
    {
        var hash = Mix(Seed, obj.Environment);
        hash = Mix(hash, obj.Model);
        hash = Mix(hash, obj.Version);
        // Final avalanche (from MurmurHash3's fmix64), so the low bits that pick a slot depend on every input bit.
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCD;
        hash ^= hash >> 33;
        return (int)(hash >> 32) ^ (int)hash;
    }

    private static ulong Mix(ulong hash, string? value)
    {
        if (value is null)
        {
            return Step(hash, 0);
        }

        var bytes = MemoryMarshal.AsBytes(value.AsSpan());
        // The length first, so that a name's end cannot run on into the next name's start.
        hash = Step(hash, (ulong)value.Length);
        while (bytes.Length >= sizeof(ulong))
        {
            hash = Step(hash, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[sizeof(ulong)..];
        }

        if (!bytes.IsEmpty)
        {
            ulong tail = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                tail |= (ulong)bytes[i] << (8 * i);
            }

            hash = Step(hash, tail);
        }

        return hash;
    }

    private static ulong Step(ulong hash, ulong word) => BitOperations.RotateLeft((hash ^ word) * Multiplier, 29);
}
