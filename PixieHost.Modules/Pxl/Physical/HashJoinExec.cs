using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// Hash join: the right input is built into a <see cref="GroupTable"/> keyed by the join keys (rows of each key
/// kept in CSR order), then every left batch probes it and emits one batch of matched (and, for left/outer,
/// unmatched) rows; right/outer joins end with the right rows no left row matched.
/// </summary>
public sealed class HashJoinExec : ExecNode
{
    private readonly ExecNode _left;
    private readonly ExecNode _right;
    private readonly LogicalJoin _join;

    public HashJoinExec(ExecNode left, ExecNode right, LogicalJoin join)
    {
        _left = left;
        _right = right;
        _join = join;
        Schema = new TableSchema(left.Schema.Name, join.Schema);
    }

    public override TableSchema Schema { get; }

    public override IReadOnlyList<ExecNode> Children => [_left, _right];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        var rightKeys = _join.RightKeys.Select(_right.Schema.IndexOf).ToArray();
        var leftKeys = _join.LeftKeys.Select(_left.Schema.IndexOf).ToArray();
        var build = Materialize(_right, context);
        var table = new GroupTable(rightKeys.Select(k => _right.Schema[k].Type).ToArray());
        var groupOfRow = new int[build.RowCount];
        table.Assign(build, rightKeys, groupOfRow);

        // CSR: rows of group g are rowsByGroup[start[g]..start[g+1]).
        var start = new int[table.Count + 1];
        foreach (var g in groupOfRow)
        {
            start[g + 1]++;
        }

        for (var g = 0; g < table.Count; g++)
        {
            start[g + 1] += start[g];
        }

        var rowsByGroup = new int[build.RowCount];
        var fill = start[..^1].ToArray();
        for (var r = 0; r < groupOfRow.Length; r++)
        {
            rowsByGroup[fill[groupOfRow[r]]++] = r;
        }

        var keepLeft = _join.How is JoinType.Left or JoinType.Outer;
        var keepRight = _join.How is JoinType.Right or JoinType.Outer;
        var rightMatched = new bool[build.RowCount];
        var ids = Array.Empty<int>();
        // Matched row pairs of one left batch; reused (Output copies out of them).
        var leftRows = new int[1024];
        var rightRows = new int[1024];
        foreach (var batch in _left.Execute(context))
        {
            if (ids.Length < batch.RowCount)
            {
                ids = new int[batch.RowCount];
            }

            table.Find(batch, leftKeys, ids.AsSpan(0, batch.RowCount));
            var n = 0;
            for (var r = 0; r < batch.RowCount; r++)
            {
                var g = ids[r];
                var matches = g < 0 ? (keepLeft ? 1 : 0) : start[g + 1] - start[g];
                if (n + matches > leftRows.Length)
                {
                    Array.Resize(ref leftRows, Math.Max(n + matches, leftRows.Length * 2));
                    Array.Resize(ref rightRows, leftRows.Length);
                }

                if (g < 0)
                {
                    if (keepLeft)
                    {
                        leftRows[n] = r;
                        rightRows[n++] = -1;
                    }

                    continue;
                }

                for (var i = start[g]; i < start[g + 1]; i++)
                {
                    leftRows[n] = r;
                    rightRows[n++] = rowsByGroup[i];
                    rightMatched[rowsByGroup[i]] = true;
                }
            }

            if (n > 0)
            {
                yield return Output(batch, build, leftRows.AsSpan(0, n), rightRows.AsSpan(0, n));
            }
        }

        if (keepRight)
        {
            var unmatched = new List<int>();
            for (var r = 0; r < rightMatched.Length; r++)
            {
                if (!rightMatched[r])
                {
                    unmatched.Add(r);
                }
            }

            if (unmatched.Count > 0)
            {
                yield return Output(null, build, Enumerable.Repeat(-1, unmatched.Count).ToArray(), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(unmatched));
            }
        }
    }

    private RowBatch Output(RowBatch? left, RowBatch right, ReadOnlySpan<int> leftRows, ReadOnlySpan<int> rightRows)
    {
        var cols = new Column[_join.Outputs.Count];
        for (var i = 0; i < cols.Length; i++)
        {
            var o = _join.Outputs[i];
            cols[i] = o.Side == 0
                ? ColumnOps.GatherOrDefault(o.Column.Type, left?[_left.Schema.IndexOf(o.Column.Name)], leftRows)
                : ColumnOps.GatherOrDefault(o.Column.Type, right[_right.Schema.IndexOf(o.Column.Name)], rightRows);
        }

        return new RowBatch(Schema, cols, leftRows.Length);
    }

    /// <summary>All batches of the build side as one batch.</summary>
    private static RowBatch Materialize(ExecNode node, ExecContext context)
    {
        var batches = node.Execute(context).ToList();
        var cols = new Column[node.Schema.Count];
        for (var c = 0; c < cols.Length; c++)
        {
            cols[c] = ColumnOps.Concat(node.Schema[c].Type, batches.Select(b => b[c]).ToArray());
        }

        return new RowBatch(node.Schema, cols, batches.Sum(b => b.RowCount));
    }

    public override string Describe() => _join.Describe().Replace("LogicalJoin", "HashJoinExec", StringComparison.Ordinal);
}
