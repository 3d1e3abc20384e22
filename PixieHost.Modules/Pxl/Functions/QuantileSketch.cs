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
        if (state.Length < 12)
        {
            return;
        }

        var zeros = BinaryPrimitives.ReadInt64LittleEndian(state);
        _zeros += zeros;
        Count += zeros;
        var buckets = BinaryPrimitives.ReadInt32LittleEndian(state[8..]);
        var at = 12;
        for (var i = 0; i < buckets && at + 13 <= state.Length; i++, at += 13)
        {
            var key = BinaryPrimitives.ReadInt32LittleEndian(state[(at + 1)..]);
            var count = BinaryPrimitives.ReadInt64LittleEndian(state[(at + 5)..]);
            if (state[at] == 0)
            {
                _positive.Add(key, count);
            }
            else
            {
                _negative.Add(key, count);
            }

            Count += count;
        }

        if (at + 16 <= state.Length)
        {
            Observe(BinaryPrimitives.ReadDoubleLittleEndian(state[at..]), BinaryPrimitives.ReadDoubleLittleEndian(state[(at + 8)..]));
        }
    }

    /// <summary>
    /// The state as bytes: zeros (8), bucket count (4), then per non-empty bucket side (1), key (4), count (8), then
    /// the exact min and max seen (8 + 8).
    /// </summary>
    public byte[] Serialize()
    {
        var buckets = _positive.NonZero() + _negative.NonZero();
        var bytes = new byte[12 + (13 * buckets) + 16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, _zeros);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), buckets);
        var at = 12;
        at = _positive.Write(bytes, at, 0);
        at = _negative.Write(bytes, at, 1);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), _min);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at + 8), _max);
        return bytes;
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

        public readonly int Write(byte[] bytes, int at, byte side)
        {
            var counts = Counts ?? [];
            for (var i = 0; i < counts.Length; i++)
            {
                if (counts[i] != 0)
                {
                    bytes[at] = side;
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 1), Min + i);
                    BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 5), counts[i]);
                    at += 13;
                }
            }

            return at;
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
