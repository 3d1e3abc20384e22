using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Turns conditions on <c>time_</c> against constants in a filter right above a source into the source's time
/// range, so the table store skips whole batches by their time bounds instead of reading and filtering them.
/// </summary>
public sealed class MergeTimeRangeRule : IRule
{
    public string Name => nameof(MergeTimeRangeRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        changed = false;
        return PlanRewriter.TransformUp(plan, Merge, ref changed);
    }

    private static LogicalPlan Merge(LogicalPlan node)
    {
        if (node is not LogicalFilter { Input: LogicalSource source } filter)
        {
            return node;
        }

        var start = source.StartNs ?? long.MinValue;
        var end = source.EndNs ?? long.MaxValue;
        var rest = new List<LogicalExpr>();
        var merged = false;
        foreach (var c in PlanRewriter.Conjuncts(filter.Predicate))
        {
            if (TryBound(c, out var op, out var value))
            {
                merged = true;
                switch (op)
                {
                    case ">=": start = Math.Max(start, value); break;
                    case ">": start = Math.Max(start, value == long.MaxValue ? value : value + 1); break;
                    case "<=": end = Math.Min(end, value); break;
                    case "<": end = Math.Min(end, value == long.MinValue ? value : value - 1); break;
                }
            }
            else
            {
                rest.Add(c);
            }
        }

        if (!merged)
        {
            return node;
        }

        var narrowed = new LogicalSource(source.Table, source.Columns,
            start == long.MinValue ? null : start, end == long.MaxValue ? null : end);
        return PlanRewriter.And(rest) is { } remaining ? new LogicalFilter(narrowed, remaining) : narrowed;
    }

    /// <summary>Recognises <c>time_ op constant</c> and <c>constant op time_</c> (flipped).</summary>
    private static bool TryBound(LogicalExpr e, out string op, out long value)
    {
        op = string.Empty;
        value = 0;
        if (e is not FunctionExpr { Function.Infix: { } infix, Args: [var l, var r] } || infix is not (">=" or ">" or "<=" or "<"))
        {
            return false;
        }

        if (l is ColumnExpr { Name: "time_" } && r is LiteralExpr { Value: long lv })
        {
            op = infix;
            value = lv;
            return true;
        }

        if (r is ColumnExpr { Name: "time_" } && l is LiteralExpr { Value: long rv })
        {
            op = infix switch { ">=" => "<=", ">" => "<", "<=" => ">=", _ => ">" };
            value = rv;
            return true;
        }

        return false;
    }
}
