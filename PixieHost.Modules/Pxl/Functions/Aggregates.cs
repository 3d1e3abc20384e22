using System.Numerics;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>px.count: rows per group, of any column type.</summary>
public sealed class CountAggregate() : AggregateFunction("count")
{
    public override string Accepts => "any type";

    public override bool TryResolve(DataType arg, out DataType result)
    {
        result = DataType.Int64;
        return true;
    }

    public override SemanticType ResultSemantic(SemanticType arg) => SemanticType.None;

    public override Accumulator Create(DataType arg) => new SumAccumulator<long>(countOnly: true);
}

/// <summary>px.sum over INT64 or FLOAT64 (and BOOLEAN, counted as 0/1 like Pixie's SumUDA&lt;bool&gt;).</summary>
public sealed class SumAggregate() : AggregateFunction("sum")
{
    public override string Accepts => "INT64, FLOAT64 or BOOLEAN";

    public override bool TryResolve(DataType arg, out DataType result)
    {
        result = arg == DataType.Float64 ? DataType.Float64 : DataType.Int64;
        return arg is DataType.Int64 or DataType.Float64 or DataType.Boolean;
    }

    public override Accumulator Create(DataType arg) =>
        arg == DataType.Float64 ? new SumAccumulator<double>(false) : new SumAccumulator<long>(false);
}

/// <summary>px.mean over INT64, FLOAT64 or BOOLEAN (the error rate idiom: mean of a boolean).</summary>
public sealed class MeanAggregate() : AggregateFunction("mean")
{
    public override string Accepts => "INT64, FLOAT64 or BOOLEAN";

    public override bool TryResolve(DataType arg, out DataType result)
    {
        result = DataType.Float64;
        return arg is DataType.Int64 or DataType.Float64 or DataType.Boolean or DataType.Time64NS;
    }

    public override Accumulator Create(DataType arg) => new MeanAccumulator();
}

/// <summary>px.min / px.max over INT64, TIME64NS or FLOAT64.</summary>
public sealed class MinMaxAggregate(bool max) : AggregateFunction(max ? "max" : "min")
{
    public override string Accepts => "INT64, TIME64NS or FLOAT64";

    public override bool TryResolve(DataType arg, out DataType result)
    {
        result = arg;
        return arg is DataType.Int64 or DataType.Float64 or DataType.Time64NS;
    }

    public override Accumulator Create(DataType arg) => arg == DataType.Float64
        ? new MinMaxAccumulator<double>(max, DataType.Float64)
        : new MinMaxAccumulator<long>(max, arg);
}

internal sealed class SumAccumulator<T>(bool countOnly) : Accumulator
    where T : struct, INumber<T>
{
    private T[] _sums = [];

    public override IReadOnlyList<DataType> StateTypes { get; } = [typeof(T) == typeof(double) ? DataType.Float64 : DataType.Int64];

    public override void EnsureGroups(int groups)
    {
        if (groups > _sums.Length)
        {
            Array.Resize(ref _sums, Grow(_sums.Length, groups));
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values)
    {
        var sums = _sums;
        if (countOnly)
        {
            foreach (var g in groupIds)
            {
                sums[g] += T.One;
            }
        }
        else if (values is BooleanColumn b)
        {
            for (var i = 0; i < groupIds.Length; i++)
            {
                sums[groupIds[i]] += b.Values[i] ? T.One : T.Zero;
            }
        }
        else
        {
            var v = Vector.Values<T>(values, groupIds.Length);
            for (var i = 0; i < groupIds.Length; i++)
            {
                sums[groupIds[i]] += v[i];
            }
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values, ReadOnlySpan<int> rows)
    {
        var sums = _sums;
        if (countOnly)
        {
            Update(groupIds, values);
        }
        else if (values is BooleanColumn b)
        {
            for (var i = 0; i < groupIds.Length; i++)
            {
                sums[groupIds[i]] += b.Values[rows[i]] ? T.One : T.Zero;
            }
        }
        else if (typeof(T) == typeof(double) && values is Int64Column l)
        {
            for (var i = 0; i < groupIds.Length; i++)
            {
                sums[groupIds[i]] += T.CreateTruncating(l.Values[rows[i]]);
            }
        }
        else
        {
            var v = Vector.Values<T>(values, values.Length);
            for (var i = 0; i < groupIds.Length; i++)
            {
                sums[groupIds[i]] += v[rows[i]];
            }
        }
    }

    public override void Merge(ReadOnlySpan<int> groupIds, IReadOnlyList<Column> state)
    {
        var v = Vector.Values<T>(state[0], groupIds.Length);
        for (var i = 0; i < groupIds.Length; i++)
        {
            _sums[groupIds[i]] += v[i];
        }
    }

    public override Column[] State(int groups) => [Finish(groups)];

    public override Column Finish(int groups) => Vector.Wrap(_sums.AsSpan(0, groups).ToArray(), groups, StateTypes[0]);
}

internal sealed class MeanAccumulator : Accumulator
{
    private double[] _sums = [];
    private long[] _counts = [];

    public override IReadOnlyList<DataType> StateTypes { get; } = [DataType.Float64, DataType.Int64];

    public override void EnsureGroups(int groups)
    {
        if (groups > _sums.Length)
        {
            var n = Grow(_sums.Length, groups);
            Array.Resize(ref _sums, n);
            Array.Resize(ref _counts, n);
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values)
    {
        var sums = _sums;
        var counts = _counts;
        switch (values)
        {
            case Int64Column l:
                for (var i = 0; i < groupIds.Length; i++)
                {
                    sums[groupIds[i]] += l.Values[i];
                    counts[groupIds[i]]++;
                }

                break;
            case BooleanColumn b:
                for (var i = 0; i < groupIds.Length; i++)
                {
                    sums[groupIds[i]] += b.Values[i] ? 1 : 0;
                    counts[groupIds[i]]++;
                }

                break;
            default:
                var d = ((Float64Column)values).Values;
                for (var i = 0; i < groupIds.Length; i++)
                {
                    sums[groupIds[i]] += d[i];
                    counts[groupIds[i]]++;
                }

                break;
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values, ReadOnlySpan<int> rows)
    {
        var sums = _sums;
        var counts = _counts;
        switch (values)
        {
            case Int64Column l:
                for (var i = 0; i < groupIds.Length; i++)
                {
                    sums[groupIds[i]] += l.Values[rows[i]];
                    counts[groupIds[i]]++;
                }

                break;
            case BooleanColumn b:
                for (var i = 0; i < groupIds.Length; i++)
                {
                    sums[groupIds[i]] += b.Values[rows[i]] ? 1 : 0;
                    counts[groupIds[i]]++;
                }

                break;
            default:
                var d = ((Float64Column)values).Values;
                for (var i = 0; i < groupIds.Length; i++)
                {
                    sums[groupIds[i]] += d[rows[i]];
                    counts[groupIds[i]]++;
                }

                break;
        }
    }

    public override void Merge(ReadOnlySpan<int> groupIds, IReadOnlyList<Column> state)
    {
        var s = ((Float64Column)state[0]).Values;
        var c = ((Int64Column)state[1]).Values;
        for (var i = 0; i < groupIds.Length; i++)
        {
            _sums[groupIds[i]] += s[i];
            _counts[groupIds[i]] += c[i];
        }
    }

    public override Column[] State(int groups) =>
        [new Float64Column(_sums.AsSpan(0, groups).ToArray(), groups), new Int64Column(_counts.AsSpan(0, groups).ToArray(), groups)];

    public override Column Finish(int groups)
    {
        var r = new double[groups];
        for (var g = 0; g < groups; g++)
        {
            r[g] = _counts[g] == 0 ? 0 : _sums[g] / _counts[g];
        }

        return new Float64Column(r, groups);
    }
}

internal sealed class MinMaxAccumulator<T>(bool max, DataType type) : Accumulator
    where T : struct, INumber<T>, IMinMaxValue<T>
{
    private T[] _values = [];

    public override IReadOnlyList<DataType> StateTypes { get; } = [type];

    public override void EnsureGroups(int groups)
    {
        if (groups > _values.Length)
        {
            var old = _values.Length;
            Array.Resize(ref _values, Grow(old, groups));
            _values.AsSpan(old).Fill(max ? T.MinValue : T.MaxValue);
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values)
    {
        var v = Vector.Values<T>(values, groupIds.Length);
        var acc = _values;
        if (max)
        {
            for (var i = 0; i < groupIds.Length; i++)
            {
                ref var a = ref acc[groupIds[i]];
                a = v[i] > a ? v[i] : a;
            }
        }
        else
        {
            for (var i = 0; i < groupIds.Length; i++)
            {
                ref var a = ref acc[groupIds[i]];
                a = v[i] < a ? v[i] : a;
            }
        }
    }

    public override void Update(ReadOnlySpan<int> groupIds, Column values, ReadOnlySpan<int> rows)
    {
        var v = Vector.Values<T>(values, values.Length);
        var acc = _values;
        for (var i = 0; i < groupIds.Length; i++)
        {
            ref var a = ref acc[groupIds[i]];
            var x = v[rows[i]];
            a = max ? (x > a ? x : a) : (x < a ? x : a);
        }
    }

    public override void Merge(ReadOnlySpan<int> groupIds, IReadOnlyList<Column> state) => Update(groupIds, state[0]);

    public override Column[] State(int groups) => [Finish(groups)];

    public override Column Finish(int groups) => Vector.Wrap(_values.AsSpan(0, groups).ToArray(), groups, type);
}
