namespace PixieHost.Modules.TableStore;

/// <summary>Copies the selected rows of a column into a new column (the second half of a vectorised filter).</summary>
public static class ColumnGather
{
    public static Column Gather(Column column, ReadOnlySpan<int> selection) => column switch
    {
        Int64Column c => new Int64Column(Pick(c.Values, selection), selection.Length, c.Type),
        Float64Column c => new Float64Column(Pick(c.Values, selection), selection.Length),
        BooleanColumn c => new BooleanColumn(Pick(c.Values, selection), selection.Length),
        UInt128Column c => new UInt128Column(Pick(c.Values, selection), selection.Length),
        StringColumn c => GatherStrings(c, selection),
        _ => throw new NotSupportedException(column.GetType().Name),
    };

    public static RowBatch Gather(RowBatch batch, ReadOnlySpan<int> selection)
    {
        var cols = new Column[batch.Columns.Count];
        for (var i = 0; i < cols.Length; i++)
        {
            cols[i] = Gather(batch[i], selection);
        }

        return new RowBatch(batch.Schema, cols, selection.Length);
    }

    private static T[] Pick<T>(T[] values, ReadOnlySpan<int> selection)
    {
        var r = new T[selection.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = values[selection[i]];
        }

        return r;
    }

    private static StringColumn GatherStrings(StringColumn c, ReadOnlySpan<int> selection)
    {
        if (c.CachedDictionary is { } dict)
        {
            // Codes, not bytes: 4 bytes a row, and the result keeps the dictionary for the next operator.
            return new StringColumn(Pick(dict.Codes, selection), dict.Values, selection.Length);
        }

        var total = 0;
        foreach (var row in selection)
        {
            total += c.Offsets[row + 1] - c.Offsets[row];
        }

        var data = new byte[total];
        var offsets = new int[selection.Length + 1];
        var at = 0;
        for (var i = 0; i < selection.Length; i++)
        {
            var row = selection[i];
            var span = c.Data.AsSpan(c.Offsets[row], c.Offsets[row + 1] - c.Offsets[row]);
            span.CopyTo(data.AsSpan(at));
            at += span.Length;
            offsets[i + 1] = at;
        }

        return new StringColumn(data, offsets, selection.Length);
    }
}
