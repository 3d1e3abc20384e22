namespace PixieHost.Client;

/// <summary>
/// A batch of rows of one table, column by column, as typed arrays: <c>long[]</c> for INT64 and TIME64NS
/// (nanoseconds since the Unix epoch), <c>double[]</c>, <c>bool[]</c>, <c>string[]</c>, <c>UInt128[]</c>.
/// Read whole columns for speed; <see cref="Rows"/> and <see cref="ResultRow"/> for convenience.
/// </summary>
public sealed class ResultBatch
{
    private readonly Array[] _columns;

    internal ResultBatch(TableInfo table, Array[] columns, int rowCount, bool endOfWindow, bool endOfStream)
    {
        Table = table;
        _columns = columns;
        RowCount = rowCount;
        EndOfWindow = endOfWindow;
        EndOfStream = endOfStream;
    }

    public TableInfo Table { get; }

    public int RowCount { get; }

    /// <summary>True on the last batch of a window (Pixie's <c>eow</c>).</summary>
    public bool EndOfWindow { get; }

    /// <summary>True on the last batch of the table (Pixie's <c>eos</c>).</summary>
    public bool EndOfStream { get; }

    /// <summary>The values of an INT64 or TIME64NS column.</summary>
    public long[] GetInt64Column(int column) => Get<long[]>(column, ColumnType.Int64, ColumnType.Time64NS);

    /// <inheritdoc cref="GetInt64Column(int)"/>
    public long[] GetInt64Column(string name) => GetInt64Column(Table.GetIndex(name));

    /// <summary>The values of a FLOAT64 column.</summary>
    public double[] GetFloat64Column(int column) => Get<double[]>(column, ColumnType.Float64, ColumnType.Float64);

    /// <inheritdoc cref="GetFloat64Column(int)"/>
    public double[] GetFloat64Column(string name) => GetFloat64Column(Table.GetIndex(name));

    /// <summary>The values of a BOOLEAN column.</summary>
    public bool[] GetBooleanColumn(int column) => Get<bool[]>(column, ColumnType.Boolean, ColumnType.Boolean);

    /// <inheritdoc cref="GetBooleanColumn(int)"/>
    public bool[] GetBooleanColumn(string name) => GetBooleanColumn(Table.GetIndex(name));

    /// <summary>The values of a STRING column.</summary>
    public string[] GetStringColumn(int column) => Get<string[]>(column, ColumnType.String, ColumnType.String);

    /// <inheritdoc cref="GetStringColumn(int)"/>
    public string[] GetStringColumn(string name) => GetStringColumn(Table.GetIndex(name));

    /// <summary>The values of a UINT128 column (e.g. UPIDs).</summary>
    public UInt128[] GetUInt128Column(int column) => Get<UInt128[]>(column, ColumnType.UInt128, ColumnType.UInt128);

    /// <inheritdoc cref="GetUInt128Column(int)"/>
    public UInt128[] GetUInt128Column(string name) => GetUInt128Column(Table.GetIndex(name));

    /// <summary>
    /// One value, boxed: <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <see cref="string"/>,
    /// <see cref="System.UInt128"/>, and <see cref="DateTimeOffset"/> for TIME64NS (100 ns precision; <see cref="ResultRow.GetTimeNs(int)"/> is exact).
    /// </summary>
    public object GetValue(int column, int row) => _columns[column] switch
    {
        long[] v when Table.Columns[column].Type == ColumnType.Time64NS => TimeFromNs(v[row]),
        long[] v => v[row],
        double[] v => v[row],
        bool[] v => v[row],
        string[] v => v[row],
        UInt128[] v => v[row],
        var other => other.GetValue(row)!,
    };

    /// <summary>The rows of this batch (each a view over the columns, no copy).</summary>
    public IEnumerable<ResultRow> Rows
    {
        get
        {
            for (var r = 0; r < RowCount; r++)
            {
                yield return new ResultRow(this, r);
            }
        }
    }

    /// <summary>Nanoseconds since the Unix epoch as a <see cref="DateTimeOffset"/> (UTC, truncated to 100 ns ticks).</summary>
    public static DateTimeOffset TimeFromNs(long unixNanos) => DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100);

    private T Get<T>(int column, ColumnType expected, ColumnType alsoAccepted)
        where T : class
    {
        var type = Table.Columns[column].Type;
        if (type != expected && type != alsoAccepted || _columns[column] is not T values)
        {
            throw new InvalidOperationException(
                $"Column '{Table.Columns[column].Name}' of table '{Table.Name}' is {type}, not {expected}.");
        }

        return values;
    }
}
