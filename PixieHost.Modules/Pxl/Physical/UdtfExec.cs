using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Runs a table function and hands on the batches it produces.</summary>
public sealed class UdtfExec(TableFunction function, UdtfContext context) : ExecNode
{
    public TableFunction Function { get; } = function;

    public override TableSchema Schema => Function.Relation;

    public override IReadOnlyList<ExecNode> Children => [];

    public override IEnumerable<RowBatch> Execute(ExecContext exec)
    {
        foreach (var batch in Function.Produce(context))
        {
            exec.CancellationToken.ThrowIfCancellationRequested();
            exec.RecordsProcessed += batch.RowCount;
            exec.BytesProcessed += batch.ByteSize;
            yield return batch;
        }
    }

    public override string Describe() => $"UdtfExec: udtf={Function.Name}, executor={Function.Executor}";
}
