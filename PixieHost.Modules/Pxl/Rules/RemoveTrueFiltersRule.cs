using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Drops the conjuncts of a filter that hold for every row: the literal <c>true</c> and <c>px.contains(x, '')</c>
/// (every string contains the empty string), and the filter itself when nothing else is left. Library scripts
/// filter by entity with <c>px.contains(df.service, svc)</c> and an empty default that means "all"; without this
/// rule each such filter scanned every string of the column to keep every row.
/// </summary>
public sealed class RemoveTrueFiltersRule : IRule
{
    public string Name => nameof(RemoveTrueFiltersRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        changed = false;
        return PlanRewriter.TransformUp(plan, Simplify, ref changed);
    }

    private static LogicalPlan Simplify(LogicalPlan node)
    {
        if (node is not LogicalFilter f)
        {
            return node;
        }

        var conjuncts = PlanRewriter.Conjuncts(f.Predicate);
        var kept = conjuncts.Where(c => !AlwaysTrue(c)).ToList();
        if (kept.Count == conjuncts.Count)
        {
            return node;
        }

        return PlanRewriter.And(kept) is { } predicate ? new LogicalFilter(f.Input, predicate) : f.Input;
    }

    private static bool AlwaysTrue(LogicalExpr e) => e switch
    {
        LiteralExpr { Value: true } => true,
        FunctionExpr { Function.Name: "contains", Args: [_, LiteralExpr { Value: "" }] } => true,
        _ => false,
    };
}
