using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>Drops maps that pass every input column through unchanged and in order (left behind by pruning and projections).</summary>
public sealed class RemoveIdentityMapRule : IRule
{
    public string Name => nameof(RemoveIdentityMapRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        changed = false;
        return PlanRewriter.TransformUp(plan, Remove, ref changed);
    }

    private static LogicalPlan Remove(LogicalPlan node)
    {
        if (node is not LogicalMap map || map.Exprs.Count != map.Input.Schema.Count)
        {
            return node;
        }

        for (var i = 0; i < map.Exprs.Count; i++)
        {
            var e = map.Exprs[i];
            if (e.Expr is not ColumnExpr c || c.Name != e.Name || map.Input.Schema[i].Name != e.Name)
            {
                return node;
            }
        }

        return map.Input;
    }
}
