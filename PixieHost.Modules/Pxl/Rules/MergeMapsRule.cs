using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Folds a map over a map into one by substituting the inner expressions into the outer ones
/// (<c>df.a = …; df = df[['a', 'b']]</c> becomes a single map). Skipped when an inner computed column is used
/// more than once, so no expression is evaluated twice.
/// </summary>
public sealed class MergeMapsRule : IRule
{
    public string Name => nameof(MergeMapsRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        changed = false;
        return PlanRewriter.TransformUp(plan, Merge, ref changed);
    }

    private static LogicalPlan Merge(LogicalPlan node)
    {
        if (node is not LogicalMap { Input: LogicalMap inner } outer)
        {
            return node;
        }

        var byName = inner.Exprs.ToDictionary(e => e.Name, e => e.Expr, StringComparer.Ordinal);
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in outer.Exprs)
        {
            CountUses(e.Expr, uses);
        }

        foreach (var (name, count) in uses)
        {
            if (count > 1 && byName[name] is not (ColumnExpr or LiteralExpr))
            {
                return node;
            }
        }

        var merged = outer.Exprs.Select(e => new NamedExpr(e.Name, Substitute(e.Expr, byName))).ToArray();
        return new LogicalMap(inner.Input, merged);
    }

    private static void CountUses(LogicalExpr e, Dictionary<string, int> uses)
    {
        switch (e)
        {
            case ColumnExpr c:
                uses[c.Name] = uses.GetValueOrDefault(c.Name) + 1;
                break;
            case FunctionExpr f:
                foreach (var a in f.Args)
                {
                    CountUses(a, uses);
                }

                break;
        }
    }

    private static LogicalExpr Substitute(LogicalExpr e, Dictionary<string, LogicalExpr> byName) => e switch
    {
        ColumnExpr c => byName[c.Name],
        FunctionExpr f => f with { Args = f.Args.Select(a => Substitute(a, byName)).ToArray() },
        _ => e,
    };
}
