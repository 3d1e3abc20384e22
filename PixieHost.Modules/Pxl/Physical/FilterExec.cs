using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// Turns each batch into a selection vector with a <see cref="SelectionPredicate"/> and gathers the passing rows.
/// An aggregate directly above reads <see cref="Selections"/> instead and never sees the gathered copy.
/// </summary>
public sealed class FilterExec(ExecNode input, LogicalExpr predicate) : ExecNode
{
    private readonly SelectionPredicate _predicate = SelectionPredicate.Compile(predicate, input.Schema);

    public override TableSchema Schema => input.Schema;

    public override IReadOnlyList<ExecNode> Children => [input];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        foreach (var s in Selections(context))
        {
            yield return s.Rows is null ? s.Batch : ColumnGather.Gather(s.Batch, s.Rows.AsSpan(0, s.Count));
        }
    }

    /// <summary>
    /// Each input batch with at least one passing row, and those rows: <see cref="FilteredBatch.Rows"/> is null when
    /// every row passed. The rows array is reused: it is valid only until the next batch is requested.
    /// </summary>
    public IEnumerable<FilteredBatch> Selections(ExecContext context)
    {
        int[] selection = [];
        foreach (var batch in input.Execute(context))
        {
            if (selection.Length < batch.RowCount)
            {
                selection = new int[batch.RowCount];
            }

            var n = _predicate.Refine(batch, selection, batch.RowCount, all: true);
            if (n == batch.RowCount)
            {
                yield return new FilteredBatch(batch, null, n);
            }
            else if (n > 0)
            {
                yield return new FilteredBatch(batch, selection, n);
            }
        }
    }

    public override string Describe() => $"FilterExec: {predicate}";
}

/// <summary>A batch and the rows of it a filter passed (null: all <see cref="Count"/> rows).</summary>
public readonly record struct FilteredBatch(RowBatch Batch, int[]? Rows, int Count);
