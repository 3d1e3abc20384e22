using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Column helpers for joins: concatenation and gathers where -1 stands for "no row" (the type's zero), one typed loop per column.</summary>
public static class ColumnOps
{
    public static Column Concat(DataType type, IReadOnlyList<Column> parts)
    {
        var total = 0;
        foreach (var p in parts)
        {
            total += p.Length;
        }

        switch (type)
        {
            case DataType.Int64 or DataType.Time64NS:
                return new Int64Column(ConcatValues(parts, total, static c => ((Int64Column)c).Values), total, type);
            case DataType.Float64:
                return new Float64Column(ConcatValues(parts, total, static c => ((Float64Column)c).Values), total);
            case DataType.Boolean:
                return new BooleanColumn(ConcatValues(parts, total, static c => ((BooleanColumn)c).Values), total);
            case DataType.UInt128:
                return new UInt128Column(ConcatValues(parts, total, static c => ((UInt128Column)c).Values), total);
            default:
                long bytes = 0;
                foreach (var p in parts)
                {
                    var s = (StringColumn)p;
                    bytes += s.Offsets[s.Length] - s.Offsets[0];
                }

                var b = new StringColumnBuilder(Math.Max(total, 1), (int)Math.Min(int.MaxValue, bytes));
                foreach (var p in parts)
                {
                    var s = (StringColumn)p;
                    for (var i = 0; i < s.Length; i++)
                    {
                        b.Append(s.GetSpan(i));
                    }
                }

                return b.Build();
        }
    }

    /// <summary>Rows of <paramref name="column"/> at <paramref name="rows"/>; -1 yields 0, false or "".</summary>
    public static Column GatherOrDefault(DataType type, Column? column, ReadOnlySpan<int> rows)
    {
        var n = rows.Length;
        switch (type)
        {
            case DataType.Int64 or DataType.Time64NS:
                return new Int64Column(Pick((column as Int64Column)?.Values, rows), n, type);
            case DataType.Float64:
                return new Float64Column(Pick((column as Float64Column)?.Values, rows), n);
            case DataType.Boolean:
                return new BooleanColumn(Pick((column as BooleanColumn)?.Values, rows), n);
            case DataType.UInt128:
                return new UInt128Column(Pick((column as UInt128Column)?.Values, rows), n);
            default:
                var s = column as StringColumn;
                if (s?.CachedDictionary is { } dict && !rows.Contains(-1))
                {
                    return new StringColumn(Pick(dict.Codes, rows), dict.Values, n);
                }

                var b = new StringColumnBuilder(Math.Max(n, 1));
                foreach (var r in rows)
                {
                    b.Append(r < 0 || s is null ? [] : s.GetSpan(r));
                }

                return b.Build();
        }
    }

    private static T[] ConcatValues<T>(IReadOnlyList<Column> parts, int total, Func<Column, T[]> values)
    {
        var r = new T[total];
        var at = 0;
        foreach (var p in parts)
        {
            values(p).AsSpan(0, p.Length).CopyTo(r.AsSpan(at));
            at += p.Length;
        }

        return r;
    }

    private static T[] Pick<T>(T[]? values, ReadOnlySpan<int> rows)
    {
        var r = new T[rows.Length];
        if (values is null)
        {
            return r;
        }

        for (var i = 0; i < r.Length; i++)
        {
            var row = rows[i];
            r[i] = row < 0 ? default! : values[row];
        }

        return r;
    }
}
