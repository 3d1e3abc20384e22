using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>Tree walks shared by the rules.</summary>
public static class PlanRewriter
{
    /// <summary>
    /// Applies <paramref name="rewrite"/> to every node, children first; a node returned unchanged (same reference)
    /// keeps its identity so callers can tell whether anything changed.
    /// </summary>
    public static LogicalPlan TransformUp(LogicalPlan plan, Func<LogicalPlan, LogicalPlan> rewrite, ref bool changed)
    {
        var inputs = plan.Inputs;
        LogicalPlan[]? rebuilt = null;
        for (var i = 0; i < inputs.Count; i++)
        {
            var n = TransformUp(inputs[i], rewrite, ref changed);
            if (!ReferenceEquals(n, inputs[i]))
            {
                rebuilt ??= inputs.ToArray();
                rebuilt[i] = n;
            }
        }

        var node = rebuilt is null ? plan : plan.WithInputs(rebuilt);
        var result = rewrite(node);
        changed |= rebuilt is not null || !ReferenceEquals(result, node);
        return result;
    }

    /// <summary>Splits <c>a &amp; b &amp; c</c> into its conjuncts.</summary>
    public static List<LogicalExpr> Conjuncts(LogicalExpr e)
    {
        var list = new List<LogicalExpr>();
        Split(e, list);
        return list;
    }

    /// <summary>Joins conjuncts back with logical_and; null when there are none.</summary>
    public static LogicalExpr? And(IReadOnlyList<LogicalExpr> conjuncts)
    {
        if (conjuncts.Count == 0)
        {
            return null;
        }

        var and = Functions.FunctionRegistry.Default.TryGetScalar("logical_and", out var f) ? f : throw new InvalidOperationException("logical_and missing");
        var o = and.Overloads[0];
        var e = conjuncts[0];
        for (var i = 1; i < conjuncts.Count; i++)
        {
            e = new FunctionExpr(and, o, [e, conjuncts[i]]);
        }

        return e;
    }

    private static void Split(LogicalExpr e, List<LogicalExpr> into)
    {
        if (e is FunctionExpr { Function.Name: "logical_and", Args: [var a, var b] })
        {
            Split(a, into);
            Split(b, into);
        }
        else
        {
            into.Add(e);
        }
    }
}
