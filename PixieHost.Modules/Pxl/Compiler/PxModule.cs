using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Syntax;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>The <c>px</c> module: DataFrame, display, time helpers, UDFs, UDAs and the semantic types used as annotations.</summary>
public static class PxModule
{
    private const long Second = 1_000_000_000L;

    public static ModuleValue Create(Interpreter it)
    {
        var attrs = new Dictionary<string, PxlObject>(StringComparer.Ordinal)
        {
            ["DataFrame"] = new BuiltinValue("DataFrame", a => DataFrame(it, a)),
            ["display"] = new BuiltinValue("display", a => Display(it, a, prefix: string.Empty)),
            ["debug"] = new BuiltinValue("debug", a => Display(it, a, prefix: "_")),
            ["now"] = new BuiltinValue("now", a => new ColumnValue(new LiteralExpr(it.NowNs, TableStore.DataType.Time64NS, TableStore.SemanticType.TimeNs))),
            ["nanoseconds"] = Duration(it, "nanoseconds", 1),
            ["microseconds"] = Duration(it, "microseconds", 1_000),
            ["milliseconds"] = Duration(it, "milliseconds", 1_000_000),
            ["seconds"] = Duration(it, "seconds", Second),
            ["minutes"] = Duration(it, "minutes", 60 * Second),
            ["hours"] = Duration(it, "hours", 3600 * Second),
            ["days"] = Duration(it, "days", 86400 * Second),
            ["parse_duration"] = new BuiltinValue("parse_duration", a => ParseDuration(it, a)),
        };
        foreach (var f in it.Functions.Scalars)
        {
            if (f.Infix is null)
            {
                attrs.TryAdd(f.Name, new ScalarFunctionValue(f));
            }
        }

        foreach (var f in it.Functions.Aggregates)
        {
            attrs[f.Name] = new AggregateValue(f);
        }

        UdtfCalls.AddTo(it, attrs);
        PxBuiltins.AddTo(it, attrs);
        foreach (var t in new[] { "Service", "Pod", "Namespace", "Node", "Container", "UPID" })
        {
            attrs[t] = new TypeValue("px." + t);
        }

        return new ModuleValue("px", attrs);
    }

    private static BuiltinValue Duration(Interpreter it, string name, long unitNs) => new(name, a =>
    {
        var (v, node) = a.Require(name, "n", 0);
        a.CheckNoExtra(name, 1);
        return v switch
        {
            IntValue i => new IntValue(i.Value * unitNs),
            FloatValue f => new IntValue((long)(f.Value * unitNs)),
            _ => throw it.Error($"px.{name}() takes a number, got {v.TypeName}", node),
        };
    });

    private static PxlObject ParseDuration(Interpreter it, CallArgs a)
    {
        var (v, node) = a.Require("parse_duration", "duration", 0);
        if (v is ColumnValue && it.Functions.TryGetScalar("parse_duration", out var column))
        {
            return it.CallScalar(column, a);
        }

        return v is StringValue s && Functions.DurationText.TryParse(s.Value, out var ns)
            ? new IntValue(ns)
            : throw it.Error("px.parse_duration() takes a duration string such as '5m'", node);
    }

    private static PxlObject DataFrame(Interpreter it, CallArgs a)
    {
        var (tableValue, tableNode) = a.Require("DataFrame", "table", 0);
        if (tableValue is not StringValue table)
        {
            throw it.Error($"px.DataFrame table must be a string, got {tableValue.TypeName}", tableNode);
        }

        if (!it.Catalog.TryGetSchema(table.Value, out var schema))
        {
            throw it.Error($"table '{table.Value}' not found{Suggest.DidYouMean(table.Value, it.Catalog.TableNames)}", tableNode);
        }

        var columns = schema.Columns.Select(c => c.Name).ToList();
        if (a.Get("select", 1) is { } select)
        {
            columns = [];
            foreach (var (name, node) in DataFrameMethods.StringList(it, select.Value, select.Node, "select"))
            {
                if (schema.IndexOf(name) < 0)
                {
                    throw it.Error($"column '{name}' not found in {schema.Name}{Suggest.DidYouMean(name, schema.Columns.Select(c => c.Name))}", node);
                }

                if (columns.Contains(name))
                {
                    throw it.Error($"column '{name}' is selected twice", node);
                }

                columns.Add(name);
            }
        }

        var start = Time(it, a.Get("start_time", 2));
        var end = Time(it, a.Get("end_time", 3));
        a.CheckNoExtra("DataFrame", 4);
        return new DataFrameValue(new LogicalSource(schema, columns, start, end));
    }

    private static long? Time(Interpreter it, (PxlObject Value, Node Node)? arg) => arg switch
    {
        null => null,
        ({ } v, var node) => v switch
        {
            NoneValue => null,
            IntValue i => i.Value,
            ColumnValue c when Rules.FoldConstantsRule.TryGetInt64(c.Expr, out var ns) => ns,
            StringValue s when TimeArgs.TryParseTime(s.Value, it.NowNs, out var ns) => ns,
            StringValue s => throw it.Error($"cannot parse time '{s.Value}'; use a relative time like '-5m' or an absolute time", node),
            _ => throw it.Error($"a time must be a string or an int (ns), got {v.TypeName}", node),
        },
    };

    private static PxlObject Display(Interpreter it, CallArgs a, string prefix)
    {
        var (v, node) = a.Require("display", "out", 0);
        if (v is not DataFrameValue df)
        {
            throw it.Error($"px.display() takes a DataFrame, got {v.TypeName}", node);
        }

        var name = "output";
        if (a.Get("name", 1) is { } n)
        {
            name = n.Value is StringValue s ? s.Value : throw it.Error("the table name must be a string", n.Node);
        }

        a.CheckNoExtra("display", 2);
        it.AddSink(df.Plan, prefix + name, a.Call);
        return NoneValue.Instance;
    }
}
