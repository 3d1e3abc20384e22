using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Computes each output column from the input batch; pass-through columns are shared, not copied.</summary>
public sealed class MapExec : ExecNode
{
    private readonly ExecNode _input;
    private readonly IReadOnlyList<NamedExpr> _exprs;
    private readonly PhysicalExpr[] _bound;

    public MapExec(ExecNode input, IReadOnlyList<NamedExpr> exprs)
    {
        _input = input;
        _exprs = exprs;
        _bound = exprs.Select(e => PhysicalExpr.Bind(e.Expr, input.Schema)).ToArray();
        Schema = new TableSchema(input.Schema.Name, exprs.Select(e => new ColumnSchema(e.Name, e.Expr.Type, e.Expr.Semantic)).ToArray());
    }

    public override TableSchema Schema { get; }

    public override IReadOnlyList<ExecNode> Children => [_input];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        foreach (var batch in _input.Execute(context))
        {
            var cols = new Column[_bound.Length];
            for (var i = 0; i < cols.Length; i++)
            {
                cols[i] = _bound[i].Evaluate(batch).ToColumn(batch.RowCount);
            }

            yield return new RowBatch(Schema, cols, batch.RowCount);
        }
    }

    public override string Describe() => $"MapExec: [{string.Join(", ", _exprs)}]";
}
