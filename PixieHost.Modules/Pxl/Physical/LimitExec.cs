using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Passes the first <see cref="Count"/> rows and stops pulling from its input.</summary>
public sealed class LimitExec(ExecNode input, long count) : ExecNode
{
    public long Count { get; } = count;

    public override TableSchema Schema => input.Schema;

    public override IReadOnlyList<ExecNode> Children => [input];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        var left = Count;
        if (left <= 0)
        {
            yield break;
        }

        foreach (var batch in input.Execute(context))
        {
            if (batch.RowCount >= left)
            {
                yield return batch.Slice(0, (int)left);
                yield break;
            }

            left -= batch.RowCount;
            yield return batch;
        }
    }

    public override string Describe() => $"LimitExec: {Count}";
}
