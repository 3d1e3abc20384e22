using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Logical;

/// <summary>Reads <see cref="Columns"/> of a table, rows with time_ in [<see cref="StartNs"/>, <see cref="EndNs"/>].</summary>
public sealed class LogicalSource : LogicalPlan
{
    public LogicalSource(TableSchema table, IReadOnlyList<string> columns, long? startNs, long? endNs)
    {
        Table = table;
        Columns = columns;
        StartNs = startNs;
        EndNs = endNs;
        Schema = columns.Select(c => table[table.IndexOf(c)]).ToArray();
    }

    public TableSchema Table { get; }

    public IReadOnlyList<string> Columns { get; }

    public long? StartNs { get; }

    public long? EndNs { get; }

    public override IReadOnlyList<ColumnSchema> Schema { get; }

    public override IReadOnlyList<LogicalPlan> Inputs => [];

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => this;

    public LogicalSource With(IReadOnlyList<string>? columns = null, long? startNs = null, long? endNs = null) =>
        new(Table, columns ?? Columns, startNs ?? StartNs, endNs ?? EndNs);

    public override string Describe() =>
        $"LogicalSource: table={Table.Name}, columns=[{string.Join(", ", Columns)}], time=[{TimeText.Format(StartNs)}, {TimeText.Format(EndNs)}]";
}

/// <summary>Formats nanosecond timestamps for EXPLAIN (UTC, ISO-8601, "-inf"/"+inf" when unbounded).</summary>
public static class TimeText
{
    public static string Format(long? ns) => ns switch
    {
        null => "*",
        long.MinValue => "-inf",
        long.MaxValue => "+inf",
        { } v => DateTimeOffset.UnixEpoch.AddTicks(v / 100).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture),
    };
}
