using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Column helpers for joins: concatenation and gathers where -1 stands for "no row" (the type's zero).</summary>
public static class ColumnOps
{
    public static Column Concat(DataType type, IReadOnlyList<Column> parts)
    {
        var total = parts.Sum(p => p.Length);
        var b = ColumnBuilder.For(type, Math.Max(total, 1));
        foreach (var p in parts)
        {
            AppendRange(b, p, 0, p.Length);
        }

        return b.Build();
    }

    /// <summary>Rows of <paramref name="column"/> at <paramref name="rows"/>; -1 yields 0, false or "".</summary>
    public static Column GatherOrDefault(DataType type, Column? column, ReadOnlySpan<int> rows)
    {
        var b = ColumnBuilder.For(type, Math.Max(rows.Length, 1));
        foreach (var r in rows)
        {
            if (r < 0 || column is null)
            {
                AppendDefault(b);
            }
            else
            {
                AppendRange(b, column, r, 1);
            }
        }

        return b.Build();
    }

    private static void AppendRange(ColumnBuilder b, Column c, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            switch (b)
            {
                case Int64ColumnBuilder l: l.Append(((Int64Column)c).Values[i]); break;
                case Float64ColumnBuilder d: d.Append(((Float64Column)c).Values[i]); break;
                case BooleanColumnBuilder o: o.Append(((BooleanColumn)c).Values[i]); break;
                case UInt128ColumnBuilder u: u.Append(((UInt128Column)c).Values[i]); break;
                case StringColumnBuilder s: s.Append(((StringColumn)c).GetSpan(i)); break;
            }
        }
    }

    private static void AppendDefault(ColumnBuilder b)
    {
        switch (b)
        {
            case Int64ColumnBuilder l: l.Append(0); break;
            case Float64ColumnBuilder d: d.Append(0); break;
            case BooleanColumnBuilder o: o.Append(false); break;
            case UInt128ColumnBuilder u: u.Append(0); break;
            case StringColumnBuilder s: s.Append(ReadOnlySpan<byte>.Empty); break;
        }
    }
}
