using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>px.any: one value of the group (the first seen), of any type; used to carry a column through a groupby.</summary>
public sealed class AnyAggregate() : AggregateFunction("any")
{
    public override string Accepts => "any type";

    public override bool TryResolve(DataType arg, out DataType result)
    {
        result = arg;
        return arg != DataType.Unknown;
    }

    public override Accumulator Create(DataType arg) => new AnyAccumulator(arg);
}

internal sealed class AnyAccumulator(DataType type) : Accumulator
{
    private readonly List<Column?> _source = [];
    private readonly List<int> _row = [];

    public override IReadOnlyList<DataType> StateTypes { get; } = [type];

    public override void EnsureGroups(int groups)
    {
        while (_source.Count < groups)
        {
            _source.Add(null);
            _row.Add(0);
        }
    }

    /// <summary>Remembers the batch column and row of each group's first value; copied out once in <see cref="Finish"/>.</summary>
    public override void Update(ReadOnlySpan<int> groupIds, Column values)
    {
        for (var i = 0; i < groupIds.Length; i++)
        {
            var g = groupIds[i];
            if (_source[g] is null)
            {
                _source[g] = values;
                _row[g] = i;
            }
        }
    }

    public override void Merge(ReadOnlySpan<int> groupIds, IReadOnlyList<Column> state) => Update(groupIds, state[0]);

    public override Column[] State(int groups) => [Finish(groups)];

    public override Column Finish(int groups)
    {
        var b = ColumnBuilder.For(type, groups);
        for (var g = 0; g < groups; g++)
        {
            var c = _source[g];
            switch (b)
            {
                case Int64ColumnBuilder l: l.Append(c is Int64Column xl ? xl.Values[_row[g]] : 0); break;
                case Float64ColumnBuilder d: d.Append(c is Float64Column xd ? xd.Values[_row[g]] : 0); break;
                case BooleanColumnBuilder o: o.Append(c is BooleanColumn xb && xb.Values[_row[g]]); break;
                case UInt128ColumnBuilder u: u.Append(c is UInt128Column xu ? xu.Values[_row[g]] : 0); break;
                case StringColumnBuilder s: s.Append(c is StringColumn xs ? xs.GetSpan(_row[g]) : []); break;
            }
        }

        return b.Build();
    }
}
