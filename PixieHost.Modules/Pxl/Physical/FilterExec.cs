using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Evaluates the predicate over each batch to a boolean mask, turns it into a selection vector and gathers.</summary>
public sealed class FilterExec(ExecNode input, LogicalExpr predicate) : ExecNode
{
    private readonly PhysicalExpr _predicate = PhysicalExpr.Bind(predicate, input.Schema);

    public override TableSchema Schema => input.Schema;

    public override IReadOnlyList<ExecNode> Children => [input];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        int[] selection = [];
        foreach (var batch in input.Execute(context))
        {
            var d = _predicate.Evaluate(batch);
            if (d.IsScalar)
            {
                if (d.Scalar.Bool)
                {
                    yield return batch;
                }

                continue;
            }

            var mask = ((BooleanColumn)d.Column!).Values;
            if (selection.Length < batch.RowCount)
            {
                selection = new int[batch.RowCount];
            }

            var n = 0;
            for (var i = 0; i < batch.RowCount; i++)
            {
                selection[n] = i;
                n += mask[i] ? 1 : 0;
            }

            if (n == batch.RowCount)
            {
                yield return batch;
            }
            else if (n > 0)
            {
                yield return ColumnGather.Gather(batch, selection.AsSpan(0, n));
            }
        }
    }

    public override string Describe() => $"FilterExec: {predicate}";
}
