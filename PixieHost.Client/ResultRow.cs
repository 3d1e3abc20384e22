namespace PixieHost.Client;

/// <summary>
/// One row of a result table: a view over a <see cref="ResultBatch"/>'s columns (a struct, so iterating rows
/// allocates nothing). Values by column name or index, boxed through the indexer or typed through the getters.
/// </summary>
public readonly struct ResultRow
{
    internal ResultRow(ResultBatch batch, int index)
    {
        Batch = batch;
        Index = index;
    }

    public ResultBatch Batch { get; }

    /// <summary>The row's index in <see cref="Batch"/>.</summary>
    public int Index { get; }

    public TableInfo Table => Batch.Table;

    /// <summary>The value of column <paramref name="column"/>, boxed as <see cref="ResultBatch.GetValue"/> describes.</summary>
    public object this[int column] => Batch.GetValue(column, Index);

    /// <summary>The value of column <paramref name="name"/>, boxed as <see cref="ResultBatch.GetValue"/> describes.</summary>
    public object this[string name] => Batch.GetValue(Table.GetIndex(name), Index);

    public long GetInt64(int column) => Batch.GetInt64Column(column)[Index];

    public long GetInt64(string name) => Batch.GetInt64Column(name)[Index];

    public double GetDouble(int column) => Batch.GetFloat64Column(column)[Index];

    public double GetDouble(string name) => Batch.GetFloat64Column(name)[Index];

    public bool GetBoolean(int column) => Batch.GetBooleanColumn(column)[Index];

    public bool GetBoolean(string name) => Batch.GetBooleanColumn(name)[Index];

    public string GetString(int column) => Batch.GetStringColumn(column)[Index];

    public string GetString(string name) => Batch.GetStringColumn(name)[Index];

    public UInt128 GetUInt128(int column) => Batch.GetUInt128Column(column)[Index];

    public UInt128 GetUInt128(string name) => Batch.GetUInt128Column(name)[Index];

    /// <summary>A TIME64NS (or INT64) value as nanoseconds since the Unix epoch, exact.</summary>
    public long GetTimeNs(int column) => Batch.GetInt64Column(column)[Index];

    /// <inheritdoc cref="GetTimeNs(int)"/>
    public long GetTimeNs(string name) => Batch.GetInt64Column(name)[Index];

    /// <summary>A TIME64NS value as a UTC <see cref="DateTimeOffset"/> (truncated to 100 ns).</summary>
    public DateTimeOffset GetTime(int column) => ResultBatch.TimeFromNs(GetTimeNs(column));

    /// <inheritdoc cref="GetTime(int)"/>
    public DateTimeOffset GetTime(string name) => ResultBatch.TimeFromNs(GetTimeNs(name));

    public override string ToString()
    {
        var row = this;
        return $"{Table.Name}[{Index}] {{ {string.Join(", ", Table.Columns.Select((c, i) => $"{c.Name} = {row[i]}"))} }}";
    }
}
