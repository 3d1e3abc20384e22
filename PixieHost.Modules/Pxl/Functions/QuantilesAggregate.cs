using System.Globalization;
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

    private QuantileSketch[] _sketches = [];

    public override IReadOnlyList<DataType> StateTypes { get; } = [DataType.String];

    public override void EnsureGroups(int groups)
    {
        if (groups > _sketches.Length)
        {
            var old = _sketches.Length;
            Array.Resize(ref _sketches, Grow(old, groups));
            for (var g = old; g < _sketches.Length; g++)
            {
                _sketches[g] = new QuantileSketch();
            }
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values)
    {
        var sketches = _sketches;
        if (values is Int64Column l)
        {
            var v = l.Values.AsSpan(0, groupIds.Length);
            for (var i = 0; i < v.Length; i++)
            {
                sketches[groupIds[i]].Add(v[i]);
            }
        }
        else
        {
            var d = ((Float64Column)values).Values.AsSpan(0, groupIds.Length);
            for (var i = 0; i < d.Length; i++)
            {
                sketches[groupIds[i]].Add(d[i]);
            }
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values, ReadOnlySpan<int> rows)
    {
        var sketches = _sketches;
        if (values is Int64Column l)
        {
            var v = l.Values;
            for (var i = 0; i < groupIds.Length; i++)
            {
                sketches[groupIds[i]].Add(v[rows[i]]);
            }
        }
        else
        {
            var d = ((Float64Column)values).Values;
            for (var i = 0; i < groupIds.Length; i++)
            {
                sketches[groupIds[i]].Add(d[rows[i]]);
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
        var b = new StringColumnBuilder(groups);
        for (var g = 0; g < groups; g++)
        {
            b.Append(_sketches[g].Serialize());
        }

        return [b.Build()];
    }

    public override Column Finish(int groups)
    {
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
