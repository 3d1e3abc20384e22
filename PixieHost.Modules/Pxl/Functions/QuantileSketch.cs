using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// A mergeable quantile sketch with relative error: a log-linear histogram whose bucket is the double's exponent
/// and top <see cref="MantissaBits"/> mantissa bits (a shift, no logarithm), so any quantile is off by at most
/// 1/128 ≈ 0.8 % of its value. Buckets are dense counters over the range seen, so an add is a shift, a bounds check
/// and an increment; two sketches merge by adding bucket counts.
/// </summary>
public sealed class QuantileSketch
{
    /// <summary>Mantissa bits kept per bucket: 2^6 buckets per octave.</summary>
    public const int MantissaBits = 6;

    private const int Shift = 52 - MantissaBits;
    private DenseBuckets _positive;
    private DenseBuckets _negative;
    private long _zeros;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    public long Count { get; private set; }

    /// <summary>
    /// Widens the exact range seen: <see cref="Quantile"/> never answers outside it (a bucket's midpoint can lie
    /// above the largest value, which made p99 exceed max).
    /// </summary>
    private void Observe(double min, double max)
    {
        _min = Math.Min(_min, min);
        _max = Math.Max(_max, max);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double v)
    {
        Count++;
        if (v < _min)
        {
            _min = v;
        }

        if (v > _max)
        {
            _max = v;
        }

        if (v > 0)
        {
            _positive.Add(Key(v), 1);
        }
        else if (v < 0)
        {
            _negative.Add(Key(-v), 1);
        }
        else
        {
            _zeros++;
        }
    }

    /// <summary>A value as one int for staging: 0 for zero (and NaN), key+1 for positive, -(key+1) for negative values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Encode(double v) => v > 0 ? Key(v) + 1 : v < 0 ? -(Key(-v) + 1) : 0;

    /// <summary>
    /// Adds staged values (see <see cref="Encode"/>), growing each side's range once for the whole span;
    /// <paramref name="min"/> and <paramref name="max"/> are the raw extremes of what was staged. A first add also
    /// reserves the positive keys <paramref name="hintLo"/>..<paramref name="hintHi"/> (what other groups saw), so a
    /// new group's histogram is allocated once at about its final size.
    /// </summary>
    public void AddEncoded(ReadOnlySpan<int> encoded, double min, double max, int hintLo = int.MaxValue, int hintHi = int.MinValue)
    {
        Observe(min, max);
        if (_positive.Counts is null && _negative.Counts is null)
        {
            ReserveFor(encoded, hintLo, hintHi);
        }

        Count += encoded.Length;
        foreach (var e in encoded)
        {
            if (e > 0)
            {
                _positive.Add(e - 1, 1);
            }
            else if (e < 0)
            {
                _negative.Add(-e - 1, 1);
            }
            else
            {
                _zeros++;
            }
        }
    }

    /// <summary>Sizes the empty histograms once for a first span of values (later adds grow on demand).</summary>
    private void ReserveFor(ReadOnlySpan<int> encoded, int hintLo, int hintHi)
    {
        int posLo = int.MaxValue, posHi = int.MinValue, negLo = int.MaxValue, negHi = int.MinValue;
        foreach (var e in encoded)
        {
            if (e > 0)
            {
                posLo = Math.Min(posLo, e);
                posHi = Math.Max(posHi, e);
            }
            else if (e < 0)
            {
                negLo = Math.Min(negLo, -e);
                negHi = Math.Max(negHi, -e);
            }
        }

        if (posHi >= posLo)
        {
            if (_positive.Counts is null && hintHi >= hintLo)
            {
                posLo = Math.Min(posLo, hintLo + 1);
                posHi = Math.Max(posHi, hintHi + 1);
            }

            _positive.Reserve(posLo - 1, posHi - 1);
        }

        if (negHi >= negLo)
        {
            _negative.Reserve(negLo - 1, negHi - 1);
        }
    }

    /// <summary>The positive keys the histogram covers now (lo &gt; hi when none).</summary>
    public (int Lo, int Hi) PositiveRange => _positive.Counts is { } c ? (_positive.Min, _positive.Min + c.Length - 1) : (int.MaxValue, int.MinValue);

    public void Merge(ReadOnlySpan<byte> state)
    {
        var at = 0;
        if (!TryVarint(state, ref at, out var zeros) || !TryVarint(state, ref at, out var positives) || !TryVarint(state, ref at, out var negatives))
        {
            return;
        }

        _zeros += (long)zeros;
        Count += (long)zeros;
        if (!MergeSide(state, ref at, (int)positives, ref _positive) || !MergeSide(state, ref at, (int)negatives, ref _negative))
        {
            return;
        }

        if (at + 16 <= state.Length)
        {
            Observe(BinaryPrimitives.ReadDoubleLittleEndian(state[at..]), BinaryPrimitives.ReadDoubleLittleEndian(state[(at + 8)..]));
        }
    }

    /// <summary>
    /// The state as bytes, compact because partial states cross the network once per group: varints of the zero
    /// count and of the positive and negative bucket counts; per side, each non-empty bucket as its key's distance
    /// from the previous one (the first key zigzag-encoded) and its count; then the exact min and max (8 + 8).
    /// Neighbouring keys and small counts make most buckets two bytes (a fixed layout took 13).
    /// </summary>
    public byte[] Serialize()
    {
        int positives = _positive.NonZero(), negatives = _negative.NonZero();
        var bytes = new byte[(3 * 10) + ((positives + negatives) * 15) + 16];
        var at = 0;
        WriteVarint(bytes, ref at, (ulong)_zeros);
        WriteVarint(bytes, ref at, (ulong)positives);
        WriteVarint(bytes, ref at, (ulong)negatives);
        _positive.Write(bytes, ref at);
        _negative.Write(bytes, ref at);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), _min);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at + 8), _max);
        return bytes[..(at + 16)];
    }

    private bool MergeSide(ReadOnlySpan<byte> state, ref int at, int buckets, ref DenseBuckets side)
    {
        long key = 0;
        for (var i = 0; i < buckets; i++)
        {
            if (!TryVarint(state, ref at, out var delta) || !TryVarint(state, ref at, out var count))
            {
                return false;
            }

            key = i == 0 ? (long)(delta >> 1) ^ -(long)(delta & 1) : key + (long)delta;
            side.Add((int)key, (long)count);
            Count += (long)count;
        }

        return true;
    }

    private static void WriteVarint(byte[] bytes, ref int at, ulong v)
    {
        while (v >= 0x80)
        {
            bytes[at++] = (byte)(v | 0x80);
            v >>= 7;
        }

        bytes[at++] = (byte)v;
    }

    private static bool TryVarint(ReadOnlySpan<byte> bytes, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < bytes.Length; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), within the exact range seen; 0 for an empty sketch.</summary>
    public double Quantile(double q)
    {
        var v = BucketQuantile(q);
        return _min <= _max ? Math.Clamp(v, _min, _max) : v;
    }

    private double BucketQuantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Floor(Math.Clamp(q, 0, 1) * (Count - 1));
        long seen = 0;
        var neg = _negative.Counts ?? [];
        for (var i = neg.Length - 1; i >= 0; i--)
        {
            seen += neg[i];
            if (seen > rank)
            {
                return -Value(_negative.Min + i);
            }
        }

        seen += _zeros;
        if (seen > rank)
        {
            return 0;
        }

        var pos = _positive.Counts ?? [];
        var last = 0.0;
        for (var i = 0; i < pos.Length; i++)
        {
            if (pos[i] == 0)
            {
                continue;
            }

            seen += pos[i];
            last = Value(_positive.Min + i);
            if (seen > rank)
            {
                return last;
            }
        }

        return last;
    }

    /// <summary>The bucket of a positive value: its bits shifted, monotonic in the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Key(double magnitude) => (int)(BitConverter.DoubleToUInt64Bits(magnitude) >> Shift);

    /// <summary>The bucket's midpoint: at most half a bucket (1/128 of the value) from any value in it.</summary>
    private static double Value(int key)
    {
        var lo = BitConverter.UInt64BitsToDouble((ulong)key << Shift);
        var hi = BitConverter.UInt64BitsToDouble((ulong)(key + 1) << Shift);
        return double.IsFinite(hi) ? (lo + hi) / 2 : lo;
    }

    /// <summary>Counters for keys Min..Min+Counts.Length-1, grown (with slack) when a key falls outside.</summary>
    private struct DenseBuckets
    {
        private const int Slack = 16;

        public long[]? Counts;
        public int Min;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int key, long by)
        {
            var counts = Counts;
            var i = key - Min;
            if (counts is null || (uint)i >= (uint)counts.Length)
            {
                Grow(key);
                counts = Counts!;
                i = key - Min;
            }

            counts[i] += by;
        }

        public readonly int NonZero()
        {
            var n = 0;
            foreach (var c in Counts ?? [])
            {
                n += c != 0 ? 1 : 0;
            }

            return n;
        }

        /// <summary>Each non-empty bucket: key distance from the previous one (the first zigzag-encoded), then count.</summary>
        public readonly void Write(byte[] bytes, ref int at)
        {
            var counts = Counts ?? [];
            var first = true;
            long previous = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                if (counts[i] == 0)
                {
                    continue;
                }

                long key = Min + i;
                WriteVarint(bytes, ref at, first ? (ulong)((key << 1) ^ (key >> 63)) : (ulong)(key - previous));
                WriteVarint(bytes, ref at, (ulong)counts[i]);
                previous = key;
                first = false;
            }
        }

        /// <summary>Makes keys <paramref name="lo"/>..<paramref name="hi"/> addressable.</summary>
        public void Reserve(int lo, int hi)
        {
            if (Counts is null || lo < Min || hi >= Min + Counts.Length)
            {
                Grow(lo);
                Grow(hi);
            }
        }

        private void Grow(int key)
        {
            if (Counts is not null && key >= Min && key < Min + Counts.Length)
            {
                return;
            }

            if (Counts is null)
            {
                Min = key - Slack;
                Counts = new long[2 * Slack];
                return;
            }

            // Grow by half again on the side that overflowed, so a widening range costs O(log) copies.
            var extra = Math.Max(Slack, Counts.Length / 2);
            var lo = key < Min ? key - extra : Min;
            var hi = key < Min ? Min + Counts.Length : key + extra;
            var grown = new long[hi - lo];
            Counts.CopyTo(grown, Min - lo);
            Counts = grown;
            Min = lo;
        }
    }
}
