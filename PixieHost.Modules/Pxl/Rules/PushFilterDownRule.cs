using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Moves filters toward the source: below maps that pass the filtered columns through unchanged, and merges
/// adjacent filters into one conjunction so later rules see every condition next to the source.
/// </summary>
public sealed class PushFilterDownRule : IRule
{
    public string Name => nameof(PushFilterDownRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        changed = false;
        return PlanRewriter.TransformUp(plan, Push, ref changed);
    }

    private static LogicalPlan Push(LogicalPlan node)
    {
        if (node is not LogicalFilter filter)
        {
            return node;
        }

        switch (filter.Input)
        {
            case LogicalMap map when filter.Predicate.Columns().All(map.IsPassThrough):
                return new LogicalMap(new LogicalFilter(map.Input, filter.Predicate), map.Exprs);
            case LogicalFilter inner:
                var both = PlanRewriter.Conjuncts(inner.Predicate);
                both.AddRange(PlanRewriter.Conjuncts(filter.Predicate));
                return new LogicalFilter(inner.Input, PlanRewriter.And(both)!);
            default:
                return node;
        }
    }
}
