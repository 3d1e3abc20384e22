using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Moves a limit below maps (a map keeps row count, so fewer rows are computed) and folds stacked limits into the
/// smallest one. Limits never cross filters or aggregates.
/// </summary>
public sealed class PushLimitRule : IRule
{
    public string Name => nameof(PushLimitRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        changed = false;
        return PlanRewriter.TransformUp(plan, Push, ref changed);
    }

    private static LogicalPlan Push(LogicalPlan node) => node switch
    {
        LogicalLimit { Input: LogicalMap map } limit => new LogicalMap(new LogicalLimit(map.Input, limit.Count), map.Exprs),
        LogicalLimit { Input: LogicalLimit inner } outer => new LogicalLimit(inner.Input, Math.Min(inner.Count, outer.Count)),
        _ => node,
    };
}
