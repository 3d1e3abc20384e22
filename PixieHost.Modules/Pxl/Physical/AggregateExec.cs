using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// Hash group-by: group ids per batch from a <see cref="StringGroupTable"/> (string keys, on dictionary codes) or a
/// <see cref="GroupTable"/>, then each accumulator folds the batch in
/// one typed loop. A blocking operator: it emits once, after its input is exhausted.
/// </summary>
public sealed class AggregateExec : ExecNode
{
    private readonly ExecNode _input;
    private readonly int[] _keyIndices;

    public AggregateExec(AggregateMode mode, ExecNode input, IReadOnlyList<ColumnExpr> groupBy, IReadOnlyList<AggregateCall> aggregates)
    {
        Mode = mode;
        _input = input;
        GroupBy = groupBy;
        Aggregates = aggregates;
        _keyIndices = groupBy.Select(g => input.Schema.IndexOf(g.Name)).ToArray();
        var keys = groupBy.Select(g => new ColumnSchema(g.Name, g.Type, g.Semantic));
        var outputs = mode == AggregateMode.Partial
            ? aggregates.SelectMany(LogicalAggregate.StateSchema)
            : aggregates.Select(a => new ColumnSchema(a.Name, a.Type, a.Semantic));
        Schema = new TableSchema(input.Schema.Name, keys.Concat(outputs).ToArray());
    }

    public AggregateMode Mode { get; }

    public IReadOnlyList<ColumnExpr> GroupBy { get; }

    public IReadOnlyList<AggregateCall> Aggregates { get; }

    public override TableSchema Schema { get; }

    public override IReadOnlyList<ExecNode> Children => [_input];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        var keyTypes = GroupBy.Select(g => g.Type).ToArray();
        IGroupIds groups = StringGroupTable.Supports(keyTypes) ? new StringGroupTable(keyTypes.Length) : new GroupTable(keyTypes);
        var accs = Aggregates.Select(a => a.Function.Create(a.Argument.Type)).ToArray();
        var argIndices = Mode == AggregateMode.Final ? StateIndices(accs) : Aggregates.Select(a => new[] { _input.Schema.IndexOf(a.Argument.Name) }).ToArray();
        var ids = Array.Empty<int>();
        var stateColumns = new Column[accs.Length][];
        for (var a = 0; a < accs.Length; a++)
        {
            stateColumns[a] = new Column[argIndices[a].Length];
        }

        foreach (var input in Input(context))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var (batch, rows, count) = input;
            if (Mode == AggregateMode.Final && rows is not null)
            {
                batch = ColumnGather.Gather(batch, rows.AsSpan(0, count));
                rows = null;
            }

            if (ids.Length < count)
            {
                ids = new int[Math.Max(count, batch.RowCount)];
            }

            var span = ids.AsSpan(0, count);
            groups.Assign(batch, _keyIndices, rows, count, span);
            for (var a = 0; a < accs.Length; a++)
            {
                accs[a].EnsureGroups(groups.Count);
                if (Mode == AggregateMode.Final)
                {
                    for (var s = 0; s < argIndices[a].Length; s++)
                    {
                        stateColumns[a][s] = batch[argIndices[a][s]];
                    }

                    accs[a].Merge(span, stateColumns[a]);
                }
                else if (rows is null)
                {
                    accs[a].Update(span, batch[argIndices[a][0]]);
                }
                else
                {
                    accs[a].Update(span, batch[argIndices[a][0]], rows.AsSpan(0, count));
                }
            }
        }

        if (GroupBy.Count == 0 && groups.Count == 0)
        {
            // An aggregate over no groups still has one row (count = 0), as SQL and Pixie do.
            groups.EnsureSingleGroup();
        }

        var n = groups.Count;
        if (n == 0)
        {
            yield break;
        }

        var columns = new List<Column>(groups.BuildKeys());
        foreach (var acc in accs)
        {
            acc.EnsureGroups(n);
            if (Mode == AggregateMode.Partial)
            {
                columns.AddRange(acc.State(n));
            }
            else
            {
                columns.Add(acc.Finish(n));
            }
        }

        yield return new RowBatch(Schema, columns, n);
    }

    /// <summary>A filter directly below hands its selection vectors up instead of gathered copies.</summary>
    private IEnumerable<FilteredBatch> Input(ExecContext context)
    {
        if (_input is FilterExec filter)
        {
            return filter.Selections(context);
        }

        return _input.Execute(context).Select(b => new FilteredBatch(b, null, b.RowCount));
    }

    private int[][] StateIndices(Accumulator[] accs)
    {
        var result = new int[accs.Length][];
        var next = GroupBy.Count;
        for (var a = 0; a < accs.Length; a++)
        {
            result[a] = Enumerable.Range(next, accs[a].StateTypes.Count).ToArray();
            next += accs[a].StateTypes.Count;
        }

        return result;
    }

    public override string Describe() =>
        $"AggregateExec: mode={Mode}, gby=[{string.Join(", ", GroupBy)}], aggr=[{string.Join(", ", Aggregates)}]";
}
