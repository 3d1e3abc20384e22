using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>A named result table: relabels batches with the table's relation and stops at <see cref="MaxRows"/>.</summary>
public sealed class SinkExec : ExecNode
{
    private readonly ExecNode _input;

    public SinkExec(ExecNode input, string name, long maxRows)
    {
        _input = input;
        Name = name;
        MaxRows = maxRows;
        Schema = new TableSchema(name, input.Schema.Columns);
    }

    public string Name { get; }

    public long MaxRows { get; }

    public override TableSchema Schema { get; }

    public override IReadOnlyList<ExecNode> Children => [_input];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        var left = MaxRows;
        foreach (var batch in _input.Execute(context))
        {
            if (left <= 0)
            {
                yield break;
            }

            var b = batch.RowCount > left ? batch.Slice(0, (int)left) : batch;
            left -= b.RowCount;
            if (b.RowCount > 0)
            {
                yield return new RowBatch(Schema, b.Columns, b.RowCount);
            }
        }
    }

    public override string Describe() => $"SinkExec: name={Name}, max_rows={MaxRows}";
}
