using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// px.quantiles: per group, a JSON object {"p01", "p10", "p25", "p50", "p75", "p90", "p99"} as Pixie's UDA returns,
/// read with px.pluck_float64(q, 'p50'). Backed by a <see cref="QuantileSketch"/> (≈1 % relative error); the
/// partial state is the serialized sketch.
/// </summary>
public sealed class QuantilesAggregate() : AggregateFunction("quantiles")
{
    public override string Accepts => "INT64, TIME64NS or FLOAT64";

    public override bool TryResolve(DataType arg, out DataType result)
    {
        result = DataType.String;
        return arg is DataType.Int64 or DataType.Float64 or DataType.Time64NS;
    }

    public override SemanticType ResultSemantic(SemanticType arg) =>
        arg == SemanticType.DurationNs ? SemanticType.DurationNsQuantiles : SemanticType.Quantiles;

    public override Accumulator Create(DataType arg) => new QuantilesAccumulator();
}

internal sealed class QuantilesAccumulator : Accumulator
{
    private static readonly (string Name, double Q)[] Points =
        [("p01", 0.01), ("p10", 0.10), ("p25", 0.25), ("p50", 0.50), ("p75", 0.75), ("p90", 0.90), ("p99", 0.99)];

    // Values are staged per group (Stage ints a group, in one array) and folded into the group's histogram
    // Stage at a time: the staging tails of all groups stay in cache, while folding straight into thousands
    // of histograms missed the cache on nearly every row (29 -> ~5 ns a row on 10M rows, ~2000 groups).
    private const int Stage = 128;
    private QuantileSketch[] _sketches = [];
    private int[] _staged = [];
    private int[] _stagedCount = [];
    private double[] _min = [];
    private double[] _max = [];
    private int _hintLo = int.MaxValue;
    private int _hintHi = int.MinValue;

    public override IReadOnlyList<DataType> StateTypes { get; } = [DataType.String];

    public override void EnsureGroups(int groups)
    {
        if (groups > _sketches.Length)
        {
            var old = _sketches.Length;
            var n = Grow(old, groups);
            Array.Resize(ref _sketches, n);
            Array.Resize(ref _staged, n * Stage);
            Array.Resize(ref _stagedCount, n);
            Array.Resize(ref _min, n);
            Array.Resize(ref _max, n);
            for (var g = old; g < n; g++)
            {
                _sketches[g] = new QuantileSketch();
                _min[g] = double.PositiveInfinity;
                _max[g] = double.NegativeInfinity;
            }
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values)
    {
        if (values is Int64Column l)
        {
            var v = l.Values.AsSpan(0, groupIds.Length);
            for (var i = 0; i < v.Length; i++)
            {
                Add(groupIds[i], v[i]);
            }
        }
        else
        {
            var d = ((Float64Column)values).Values.AsSpan(0, groupIds.Length);
            for (var i = 0; i < d.Length; i++)
            {
                Add(groupIds[i], d[i]);
            }
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values, ReadOnlySpan<int> rows)
    {
        if (values is Int64Column l)
        {
            var v = l.Values;
            for (var i = 0; i < groupIds.Length; i++)
            {
                Add(groupIds[i], v[rows[i]]);
            }
        }
        else
        {
            var d = ((Float64Column)values).Values;
            for (var i = 0; i < groupIds.Length; i++)
            {
                Add(groupIds[i], d[rows[i]]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(int group, double value)
    {
        var n = _stagedCount[group];
        _staged[(group * Stage) + n] = QuantileSketch.Encode(value);
        // The exact extremes, so a quantile never lies outside them (a bucket midpoint can).
        if (value < _min[group])
        {
            _min[group] = value;
        }

        if (value > _max[group])
        {
            _max[group] = value;
        }

        if (++n == Stage)
        {
            Flush(group, Stage);
            n = 0;
        }

        _stagedCount[group] = n;
    }

    private void Flush(int group, int count)
    {
        var sketch = _sketches[group];
        sketch.AddEncoded(_staged.AsSpan(group * Stage, count), _min[group], _max[group], _hintLo, _hintHi);
        // The key range groups have needed so far; trimmed of slack so the hint does not ratchet up.
        var (lo, hi) = sketch.PositiveRange;
        if (hi >= lo && sketch.Count >= Stage)
        {
            _hintLo = Math.Min(_hintLo, lo + 16);
            _hintHi = Math.Max(_hintHi, hi - 16);
        }
    }

    private void FlushAll(int groups)
    {
        for (var g = 0; g < groups; g++)
        {
            if (_stagedCount[g] > 0)
            {
                Flush(g, _stagedCount[g]);
                _stagedCount[g] = 0;
            }
        }
    }

    public override void Merge(ReadOnlySpan<int> groupIds, IReadOnlyList<Column> state)
    {
        var s = (StringColumn)state[0];
        for (var i = 0; i < groupIds.Length; i++)
        {
            _sketches[groupIds[i]].Merge(s.GetSpan(i));
        }
    }

    public override Column[] State(int groups)
    {
        FlushAll(groups);
        var b = new StringColumnBuilder(groups);
        for (var g = 0; g < groups; g++)
        {
            b.Append(_sketches[g].Serialize());
        }

        return [b.Build()];
    }

    public override Column Finish(int groups)
    {
        FlushAll(groups);
        var b = new StringColumnBuilder(groups);
        var sb = new StringBuilder();
        for (var g = 0; g < groups; g++)
        {
            sb.Clear().Append('{');
            foreach (var (name, q) in Points)
            {
                sb.Append(sb.Length > 1 ? "," : string.Empty).Append('"').Append(name).Append("\":")
                    .Append(_sketches[g].Quantile(q).ToString("R", CultureInfo.InvariantCulture));
            }

            b.Append(sb.Append('}').ToString());
        }

        return b.Build();
    }
}
