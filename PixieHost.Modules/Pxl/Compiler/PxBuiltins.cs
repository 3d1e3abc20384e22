using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>Compile-time helpers of Pixie's px module: <c>px.parse_time</c> and <c>px.equals_any</c>.</summary>
public static class PxBuiltins
{
    public static void AddTo(Interpreter it, IDictionary<string, PxlObject> attrs)
    {
        attrs["parse_time"] = new BuiltinValue("parse_time", a => ParseTime(it, a));
        attrs["equals_any"] = new BuiltinValue("equals_any", a => EqualsAny(it, a));
    }

    /// <summary>px.parse_time('2026-01-01T00:00:00Z') or px.parse_time('-5m'): a TIME64NS constant, as start_time parses it.</summary>
    private static PxlObject ParseTime(Interpreter it, CallArgs a)
    {
        var (v, node) = a.Require("parse_time", "time", 0);
        a.CheckNoExtra("parse_time", 1);
        return v is StringValue s && TimeArgs.TryParseTime(s.Value, it.NowNs, out var ns)
            ? new ColumnValue(new LiteralExpr(ns, DataType.Time64NS, SemanticType.TimeNs))
            : throw it.Error("px.parse_time() takes a time string such as '2026-01-01T00:00:00Z' or '-5m'", node);
    }

    /// <summary>px.equals_any(df.col, ['a', 'b']): <c>(col == 'a') | (col == 'b')</c>.</summary>
    private static PxlObject EqualsAny(Interpreter it, CallArgs a)
    {
        var (value, valueNode) = a.Require("equals_any", "value", 0);
        var (candidates, node) = a.Require("equals_any", "candidates", 1);
        a.CheckNoExtra("equals_any", 2);
        var items = candidates switch
        {
            ListValue l => l.Items,
            TupleValue t => t.Items,
            _ => throw it.Error($"px.equals_any() takes a list of values, got {candidates.TypeName}", node),
        };
        if (items.Count == 0)
        {
            throw it.Error("px.equals_any() needs at least one candidate", node);
        }

        it.Functions.TryGetScalar("equal", out var eq);
        it.Functions.TryGetScalar("logical_or", out var or);
        LogicalExpr? result = null;
        var left = it.ToExpr(value, valueNode);
        foreach (var c in items)
        {
            var right = it.ToExpr(c, node);
            if (!eq!.TryResolve([left.Type, right.Type], out var overload))
            {
                throw it.Error($"px.equals_any() cannot compare {Names.Of(left.Type)} with {Names.Of(right.Type)}", node);
            }

            LogicalExpr test = new FunctionExpr(eq, overload, [left, right]);
            result = result is null ? test : new FunctionExpr(or!, or!.Overloads[0], [result, test]);
        }

        return new ColumnValue(result!);
    }
}
