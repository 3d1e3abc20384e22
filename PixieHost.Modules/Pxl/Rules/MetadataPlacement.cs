using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Where metadata functions can run. Process metadata lives on the node that recorded each UPID, so a
/// <see cref="MetadataFunctions.NodeOnly"/> call must run in the node fragment: below the first blocking operator
/// (aggregate, join, union, limit) on its path from the source. Shared by the compiler's check (errors with
/// line and column) and <see cref="PlaceMetadataRule"/> (which moves calls there).
/// </summary>
public static class MetadataPlacement
{
    public const string Node = "node";

    public static bool IsNodeOnly(FunctionExpr f) => MetadataFunctions.NodeOnly.Contains(f.Function.Name);

    /// <summary>True when no blocking operator lies between <paramref name="plan"/>'s output and its sources.</summary>
    public static bool IsNodeSide(LogicalPlan plan)
    {
        if (IsBlocking(plan))
        {
            return false;
        }

        foreach (var input in plan.Inputs)
        {
            if (!IsNodeSide(input))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsBlocking(LogicalPlan plan) => plan is LogicalAggregate or LogicalJoin or LogicalUnion or LogicalLimit;

    /// <summary>The node-only calls in <paramref name="expr"/>, outermost first (a call's own arguments are not searched).</summary>
    public static List<FunctionExpr> NodeOnlyCalls(LogicalExpr expr)
    {
        var calls = new List<FunctionExpr>();
        Collect(expr, calls);
        return calls;
    }

    /// <summary>
    /// Null when the columns <paramref name="columns"/> of <paramref name="plan"/>'s output reach a node fragment
    /// unchanged (so a call over them can be computed there); else why not, for the error message.
    /// </summary>
    public static string? WhyNot(LogicalPlan plan, IReadOnlyCollection<string> columns)
    {
        if (IsNodeSide(plan))
        {
            return null;
        }

        switch (plan)
        {
            case LogicalMap map:
                var computed = columns.FirstOrDefault(c => !map.IsPassThrough(c));
                return computed is null ? WhyNot(map.Input, columns) : $"'{computed}' is computed after a {Blocking(map.Input)}";
            case LogicalFilter or LogicalLimit:
                return WhyNot(plan.Input, columns);
            case LogicalAggregate agg:
                var notKey = columns.FirstOrDefault(c => !agg.GroupBy.Any(g => g.Name == c));
                return notKey is null ? WhyNot(agg.Input, columns) : $"'{notKey}' is not a groupby column of the aggregate";
            case LogicalUnion union:
                return union.Inputs.Select(i => WhyNot(i, columns)).FirstOrDefault(r => r is not null);
            case LogicalJoin join:
                return JoinSide(join, columns, out var side, out var renamed) ? WhyNot(join.Inputs[side], renamed) : $"[{string.Join(", ", columns)}] do not come from one side of the join";
            default:
                return $"[{string.Join(", ", columns)}] do not come from a table of the node";
        }
    }

    /// <summary>The side of <paramref name="join"/> every column comes from, and the columns' names on that side.</summary>
    public static bool JoinSide(LogicalJoin join, IReadOnlyCollection<string> columns, out int side, out string[] renamed)
    {
        side = -1;
        renamed = new string[columns.Count];
        var i = 0;
        foreach (var c in columns)
        {
            var output = join.Outputs.FirstOrDefault(o => o.Name == c);
            if (output is null || (side >= 0 && output.Side != side))
            {
                return false;
            }

            side = output.Side;
            renamed[i++] = output.Column.Name;
        }

        return side >= 0;
    }

    /// <summary>Rebuilds <paramref name="expr"/> with each outermost call <paramref name="replace"/> answers non-null for replaced.</summary>
    public static LogicalExpr Replace(LogicalExpr expr, Func<FunctionExpr, LogicalExpr?> replace) => expr switch
    {
        FunctionExpr f when replace(f) is { } r => r,
        FunctionExpr f => f with { Args = f.Args.Select(a => Replace(a, replace)).ToArray() },
        _ => expr,
    };

    private static void Collect(LogicalExpr e, List<FunctionExpr> into)
    {
        if (e is not FunctionExpr f)
        {
            return;
        }

        if (IsNodeOnly(f))
        {
            into.Add(f);
            return;
        }

        foreach (var a in f.Args)
        {
            Collect(a, into);
        }
    }

    private static string Blocking(LogicalPlan plan)
    {
        for (var p = plan; ; p = p.Input)
        {
            if (IsBlocking(p) || p.Inputs.Count == 0)
            {
                return p switch
                {
                    LogicalAggregate => "groupby/agg",
                    LogicalJoin => "merge",
                    LogicalUnion => "append",
                    LogicalLimit => "head",
                    _ => "source",
                };
            }
        }
    }
}
