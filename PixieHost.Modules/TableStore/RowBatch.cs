namespace PixieHost.Modules.TableStore;

/// <summary>An immutable set of equally long columns that follow one <see cref="TableSchema"/>.</summary>
public sealed class RowBatch
{
    public RowBatch(TableSchema schema, IReadOnlyList<Column> columns, int rowCount)
    {
        if (columns.Count != schema.Count)
        {
            throw new ArgumentException($"Relation '{schema.Name}' has {schema.Count} columns, the batch {columns.Count}.", nameof(columns));
        }

        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Length != rowCount)
            {
                throw new ArgumentException($"Column '{schema[i].Name}' has {columns[i].Length} rows, expected {rowCount}.", nameof(columns));
            }
        }

        Schema = schema;
        Columns = columns;
        RowCount = rowCount;
    }

    public TableSchema Schema { get; }

    public IReadOnlyList<Column> Columns { get; }

    public int RowCount { get; }

    public Column this[int i] => Columns[i];

    public Column this[string name] => Columns[Schema.IndexOf(name) is var i and >= 0 ? i : throw new KeyNotFoundException(name)];

    public long ByteSize
    {
        get
        {
            long n = 0;
            foreach (var c in Columns)
            {
                n += c.ByteSize;
            }

            return n;
        }
    }

    /// <summary>Rows [start, start+count) as a new batch.</summary>
    public RowBatch Slice(int start, int count)
    {
        if (start == 0 && count == RowCount)
        {
            return this;
        }

        var cols = new Column[Columns.Count];
        for (var i = 0; i < cols.Length; i++)
        {
            cols[i] = Columns[i].Slice(start, count);
        }

        return new RowBatch(Schema, cols, count);
    }
}

/// <summary>Builds a <see cref="RowBatch"/> row by row; append one value to every column builder per row.</summary>
public sealed class RowBatchBuilder
{
    public RowBatchBuilder(TableSchema schema, int capacity = 256)
    {
        Schema = schema;
        Columns = new ColumnBuilder[schema.Count];
        for (var i = 0; i < Columns.Length; i++)
        {
            Columns[i] = ColumnBuilder.For(schema[i].Type, capacity);
        }
    }

    public TableSchema Schema { get; }

    public ColumnBuilder[] Columns { get; }

    public int RowCount => Columns.Length == 0 ? 0 : Columns[0].Count;

    public T Column<T>(int i) where T : ColumnBuilder => (T)Columns[i];

    /// <summary>Appends one row of boxed values in schema order (cold paths only).</summary>
    public void AppendRow(params object?[] values)
    {
        if (values.Length != Columns.Length)
        {
            throw new ArgumentException($"Expected {Columns.Length} values for '{Schema.Name}', got {values.Length}.", nameof(values));
        }

        for (var i = 0; i < values.Length; i++)
        {
            Columns[i].AppendObject(values[i]);
        }
    }

    public RowBatch Build()
    {
        var cols = new Column[Columns.Length];
        var rows = RowCount;
        for (var i = 0; i < cols.Length; i++)
        {
            cols[i] = Columns[i].Build();
        }

        return new RowBatch(Schema, cols, rows);
    }
}
