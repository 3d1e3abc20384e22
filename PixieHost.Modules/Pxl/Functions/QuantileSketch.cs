using System.Buffers.Binary;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// A mergeable quantile sketch with relative error: values fall into logarithmic buckets of ratio
/// <see cref="Gamma"/> (DDSketch's scheme), so any quantile is off by at most ~1 % of its value, two sketches merge
/// by adding bucket counts, and the state is small (a few hundred buckets cover ns to hours).
/// </summary>
public sealed class QuantileSketch
{
    /// <summary>Bucket ratio; relative accuracy is (γ-1)/(γ+1) ≈ 1 %.</summary>
    public const double Gamma = 1.02;

    private static readonly double LogGamma = Math.Log(Gamma);
    // Dictionaries, not sorted ones: adds are the hot path (one per row), sorting happens once per query result.
    private readonly Dictionary<int, long> _positive = [];
    private readonly Dictionary<int, long> _negative = [];
    private long _zeros;

    public long Count { get; private set; }

    public void Add(double v)
    {
        Count++;
        if (v > 0)
        {
            Bump(_positive, Index(v), 1);
        }
        else if (v < 0)
        {
            Bump(_negative, Index(-v), 1);
        }
        else
        {
            _zeros++;
        }
    }

    public void Merge(ReadOnlySpan<byte> state)
    {
        if (state.Length < 12)
        {
            return;
        }

        _zeros += BinaryPrimitives.ReadInt64LittleEndian(state);
        var buckets = BinaryPrimitives.ReadInt32LittleEndian(state[8..]);
        var at = 12;
        for (var i = 0; i < buckets && at + 13 <= state.Length; i++, at += 13)
        {
            var side = state[at] == 0 ? _positive : _negative;
            Bump(side, BinaryPrimitives.ReadInt32LittleEndian(state[(at + 1)..]), BinaryPrimitives.ReadInt64LittleEndian(state[(at + 5)..]));
        }

        Count = _zeros + _positive.Values.Sum() + _negative.Values.Sum();
    }

    /// <summary>The state as bytes: zeros (8), bucket count (4), then per bucket side (1), index (4), count (8).</summary>
    public byte[] Serialize()
    {
        var buckets = _positive.Count + _negative.Count;
        var bytes = new byte[12 + (13 * buckets)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, _zeros);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), buckets);
        var at = 12;
        foreach (var (side, map) in new[] { ((byte)0, _positive), ((byte)1, _negative) })
        {
            foreach (var (index, count) in map.OrderBy(e => e.Key))
            {
                bytes[at] = side;
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 1), index);
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 5), count);
                at += 13;
            }
        }

        return bytes;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1); 0 for an empty sketch.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Floor(q * (Count - 1));
        long seen = 0;
        foreach (var (index, count) in _negative.OrderByDescending(e => e.Key))
        {
            seen += count;
            if (seen > rank)
            {
                return -Value(index);
            }
        }

        seen += _zeros;
        if (seen > rank)
        {
            return 0;
        }

        foreach (var (index, count) in _positive.OrderBy(e => e.Key))
        {
            seen += count;
            if (seen > rank)
            {
                return Value(index);
            }
        }

        return _positive.Count > 0 ? Value(_positive.Keys.Max()) : 0;
    }

    private static int Index(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) / LogGamma);

    /// <summary>The bucket's representative value: the point with equal relative error to both bounds.</summary>
    private static double Value(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    private static void Bump(Dictionary<int, long> map, int index, long by) =>
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(map, index, out _) += by;
}
