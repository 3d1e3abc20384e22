using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Scans a table over a time range and hands on only the projected columns (no copy: the columns are shared).</summary>
public sealed class SourceExec : ExecNode
{
    private readonly int[] _indices;

    public SourceExec(TableSchema table, IReadOnlyList<string> columns, long? startNs, long? endNs)
    {
        Table = table;
        StartNs = startNs;
        EndNs = endNs;
        _indices = columns.Select(table.IndexOf).ToArray();
        Schema = new TableSchema(table.Name, _indices.Select(i => table[i]).ToArray());
    }

    public TableSchema Table { get; }

    public long? StartNs { get; }

    public long? EndNs { get; }

    public override TableSchema Schema { get; }

    public override IReadOnlyList<ExecNode> Children => [];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        if (context.Store.Find(Table.Name) is not { } table)
        {
            yield break;
        }

        foreach (var batch in table.Scan(StartNs ?? long.MinValue, EndNs ?? long.MaxValue))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var cols = new Column[_indices.Length];
            long bytes = 0;
            for (var i = 0; i < cols.Length; i++)
            {
                cols[i] = batch[_indices[i]];
                bytes += cols[i].ByteSize;
            }

            context.BytesProcessed += bytes;
            context.RecordsProcessed += batch.RowCount;
            yield return new RowBatch(Schema, cols, batch.RowCount);
        }
    }

    public override string Describe() =>
        $"SourceExec: table={Table.Name}, columns=[{string.Join(", ", Schema.Columns.Select(c => c.Name))}], time=[{TimeText.Format(StartNs)}, {TimeText.Format(EndNs)}]";
}
