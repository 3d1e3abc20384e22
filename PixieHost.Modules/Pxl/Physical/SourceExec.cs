using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// Scans a table over a time range and hands on only the projected columns. Batches wholly inside the range are
/// shared without a copy, batches outside are skipped by their recorded time bounds, and batches straddling a bound
/// are filtered with a selection vector over time_.
/// </summary>
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

        var start = StartNs ?? long.MinValue;
        var end = EndNs ?? long.MaxValue;
        var timeIndex = table.Schema.TimeColumnIndex;
        int[] selection = [];
        foreach (var stored in table.Snapshot())
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var batch = stored.Batch;
            var whole = timeIndex < 0 || (stored.MinTime >= start && stored.MaxTime <= end);
            if (!whole && (stored.MaxTime < start || stored.MinTime > end))
            {
                continue;
            }

            var cols = new Column[_indices.Length];
            for (var i = 0; i < cols.Length; i++)
            {
                cols[i] = batch[_indices[i]];
            }

            var rows = batch.RowCount;
            if (!whole)
            {
                // A batch straddling the range: select its rows by time and copy only the projected columns.
                var times = ((Int64Column)batch[timeIndex]).Values;
                if (selection.Length < rows)
                {
                    selection = new int[rows];
                }

                var n = 0;
                for (var r = 0; r < rows; r++)
                {
                    selection[n] = r;
                    n += times[r] >= start && times[r] <= end ? 1 : 0;
                }

                if (n == 0)
                {
                    continue;
                }

                for (var i = 0; i < cols.Length; i++)
                {
                    cols[i] = ColumnGather.Gather(cols[i], selection.AsSpan(0, n));
                }

                rows = n;
            }

            long bytes = 0;
            foreach (var c in cols)
            {
                bytes += c.ByteSize;
            }

            context.BytesProcessed += bytes;
            context.RecordsProcessed += rows;
            yield return new RowBatch(Schema, cols, rows);
        }
    }

    public override string Describe() =>
        $"SourceExec: table={Table.Name}, columns=[{string.Join(", ", Schema.Columns.Select(c => c.Name))}], time=[{TimeText.Format(StartNs)}, {TimeText.Format(EndNs)}]";
}
