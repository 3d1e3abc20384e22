using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Evaluates, at plan time, every function call whose arguments are all constants (<c>px.now() - px.minutes(5)</c>,
/// <c>px.DurationNanos(5000000)</c>) and puts the result in its place as a literal of the same type and semantic
/// type, so operators compute it once per query instead of once per batch, and rules such as MergeTimeRangeRule
/// see plain constants. Functions that read node-local state (the metadata family) are left for the nodes.
/// </summary>
public sealed class FoldConstantsRule : IRule
{
    /// <summary>Prefixes of the functions that read node-local metadata; PlaceMetadata decides where they run.</summary>
    private static readonly string[] NodeLocal =
        ["upid_", "pod_", "service_", "ip_to_", "nslookup", "container_", "deployment_", "replicaset_", "replica_set_",
         "namespace_", "node_", "has_service", "vizier_", "get_cidrs", "_exec_", "asid", "hostname"];

    public string Name => nameof(FoldConstantsRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        changed = false;
        return PlanRewriter.TransformUp(plan, Fold, ref changed);
    }

    private static LogicalPlan Fold(LogicalPlan node)
    {
        switch (node)
        {
            case LogicalFilter f when Fold(f.Predicate) is var p && !ReferenceEquals(p, f.Predicate):
                return new LogicalFilter(f.Input, p);
            case LogicalMap m:
                NamedExpr[]? exprs = null;
                for (var i = 0; i < m.Exprs.Count; i++)
                {
                    var e = Fold(m.Exprs[i].Expr);
                    if (!ReferenceEquals(e, m.Exprs[i].Expr))
                    {
                        exprs ??= m.Exprs.ToArray();
                        exprs[i] = m.Exprs[i] with { Expr = e };
                    }
                }

                return exprs is null ? node : new LogicalMap(m.Input, exprs);
            default:
                return node;
        }
    }

    /// <summary>The expression with every constant subexpression evaluated; the same instance when nothing folds.</summary>
    public static LogicalExpr Fold(LogicalExpr e)
    {
        if (e is not FunctionExpr f)
        {
            return e;
        }

        LogicalExpr[]? args = null;
        for (var i = 0; i < f.Args.Count; i++)
        {
            var a = Fold(f.Args[i]);
            if (!ReferenceEquals(a, f.Args[i]))
            {
                args ??= f.Args.ToArray();
                args[i] = a;
            }
        }

        var call = args is null ? f : f with { Args = args };
        return TryEvaluate(call, out var literal) ? literal : call;
    }

    /// <summary>Evaluates a call of constants with its kernel over one row.</summary>
    public static bool TryEvaluate(FunctionExpr f, out LiteralExpr literal)
    {
        literal = null!;
        if (!IsFoldable(f.Function))
        {
            return false;
        }

        var datums = new Datum[f.Args.Count];
        for (var i = 0; i < datums.Length; i++)
        {
            if (f.Args[i] is not LiteralExpr l)
            {
                return false;
            }

            datums[i] = new Datum(ScalarValue.From(l.Value, l.Type));
        }

        try
        {
            var value = f.Overload.Kernel(datums, 1).GetValue(0);
            if (value is null)
            {
                return false;
            }

            literal = new LiteralExpr(value, f.Type, f.Semantic);
            return true;
        }
        catch (Exception e) when (e is ArithmeticException or ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            // The kernel fails on these constants (e.g. integer division by zero): leave the call for run time.
            return false;
        }
    }

    private static bool IsFoldable(ScalarFunction f)
    {
        foreach (var prefix in NodeLocal)
        {
            if (f.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A constant expression's value as a long (TIME64NS and INT64), for compile-time arguments such as start_time.</summary>
    public static bool TryGetInt64(LogicalExpr e, out long value)
    {
        value = 0;
        if (Fold(e) is LiteralExpr { Value: long v, Type: DataType.Int64 or DataType.Time64NS })
        {
            value = v;
            return true;
        }

        return false;
    }
}
