using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Syntax;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary><c>df.ctx</c>: subscripting it with a key (<c>df.ctx['pod']</c>) gives a metadata column of the DataFrame.</summary>
public sealed record CtxValue(DataFrameValue Frame) : PxlObject
{
    public override string TypeName => "MetadataContext";
}

/// <summary>Compiles <c>df.ctx['key']</c> into the metadata function call on the column the key derives from.</summary>
public static class CtxAccessor
{
    public static PxlObject Subscript(Interpreter it, CtxValue ctx, PxlObject index, SubscriptExpr at)
    {
        if (index is not StringValue { Value: var key })
        {
            throw it.Error($"df.ctx takes a metadata key string such as 'pod', got {index.TypeName}", at.Index);
        }

        if (!CtxKeys.TryGet(key, out var sources))
        {
            var hint = Suggest.DidYouMean(key, CtxKeys.Names);
            throw it.Error($"unknown metadata key '{key}' in df.ctx{(hint.Length > 0 ? hint : "; keys are " + string.Join(", ", CtxKeys.Names))}", at.Index);
        }

        var plan = ctx.Frame.Plan;
        foreach (var (column, function) in sources)
        {
            if (plan.Find(column) is { } col && it.Functions.TryGetScalar(function, out var f) && f.TryResolve([col.Type], out var overload))
            {
                return new ColumnValue(new FunctionExpr(f, overload, [new ColumnExpr(col.Name, col.Type, col.Semantic)]));
            }
        }

        var have = string.Join(", ", plan.Schema.Select(c => c.Name));
        throw it.Error($"df.ctx['{key}'] needs a 'upid' column to look up process metadata, and this DataFrame has [{have}]; keep 'upid' in its select or groupby", at);
    }

    /// <summary>
    /// Fails when <paramref name="expr"/> calls a node-only metadata function whose argument columns do not reach the
    /// node fragment unchanged (<see cref="Rules.MetadataPlacement"/>): there the process metadata is not available.
    /// </summary>
    public static void CheckPlacement(Interpreter it, LogicalExpr expr, LogicalPlan plan, Node at)
    {
        foreach (var call in Rules.MetadataPlacement.NodeOnlyCalls(expr))
        {
            if (Rules.MetadataPlacement.WhyNot(plan, call.Columns().ToArray()) is { } why)
            {
                throw it.Error($"px.{call.Function.Name} reads the process metadata of the node that recorded each row, so it must run before "
                    + $"the first groupby, merge, append or head; here {why}. Compute it earlier (e.g. df.pod = df.ctx['pod'] before the groupby) "
                    + "or keep its argument as a groupby column", at);
            }
        }
    }
}
