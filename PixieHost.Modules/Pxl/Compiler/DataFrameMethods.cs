using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Syntax;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>What a DataFrame does in PxL: columns as attributes, filters and projections by subscript, and its methods.</summary>
public static class DataFrameMethods
{
    private static readonly HashSet<string> NotYet = ["rolling", "stream", "map", "filter"];

    public static PxlObject GetAttribute(Interpreter it, DataFrameValue df, string name, Node at)
    {
        switch (name)
        {
            case "groupby":
                return new BuiltinValue(name, a => GroupBy(it, df, a));
            case "agg":
                return new BuiltinValue(name, a => Agg(it, df, [], a));
            case "head":
                return new BuiltinValue(name, a => Head(it, df, a));
            case "drop":
                return new BuiltinValue(name, a => Drop(it, df, a));
            case "append":
                return new BuiltinValue(name, a => Append(it, df, a));
            case "merge":
                return new BuiltinValue(name, a => Merge(it, df, a));
            case "ctx":
                return new CtxValue(df);
        }

        if (df.Plan.Find(name) is { } col)
        {
            return new ColumnValue(new ColumnExpr(col.Name, col.Type, col.Semantic));
        }

        if (NotYet.Contains(name))
        {
            throw it.Error($"DataFrame.{name} is not supported yet", at);
        }

        var methods = new[] { "groupby", "agg", "head", "drop", "append", "merge", "ctx" };
        var method = Suggest.DidYouMean(name, methods);
        throw method.Length > 0 && Suggest.DidYouMean(name, df.Plan.Schema.Select(c => c.Name)).Length == 0
            ? it.Error($"DataFrame has no column or method '{name}'{method}", at)
            : UnknownColumn(it, df.Plan, name, at);
    }

    public static PxlCompileException UnknownColumn(Interpreter it, LogicalPlan plan, string name, Node at)
    {
        var where = plan is LogicalSource s ? s.Table.Name : "this DataFrame";
        return it.Error($"unknown column '{name}' in {where}{Suggest.DidYouMean(name, plan.Schema.Select(c => c.Name))}", at);
    }

    /// <summary><c>df[cond]</c> filters, <c>df[['a','b']]</c> projects, <c>df['a']</c> is a column.</summary>
    public static PxlObject Subscript(Interpreter it, DataFrameValue df, PxlObject index, SubscriptExpr at)
    {
        switch (index)
        {
            case ColumnValue c:
                if (c.Expr.Type != DataType.Boolean)
                {
                    throw it.Error($"a filter must be a BOOLEAN expression, got {Functions.Names.Of(c.Expr.Type)}", at.Index);
                }

                it.CheckColumns(c.Expr, df.Plan, at.Index);
                return new DataFrameValue(new LogicalFilter(df.Plan, c.Expr));
            case StringValue s:
                return df.Plan.Find(s.Value) is { } named
                    ? new ColumnValue(new ColumnExpr(named.Name, named.Type, named.Semantic))
                    : throw UnknownColumn(it, df.Plan, s.Value, at.Index);
            case ListValue or TupleValue:
                var exprs = new List<NamedExpr>();
                var items = at.Index is ListExpr l ? l.Items : null;
                var i = 0;
                foreach (var (name, _) in StringList(it, index, at.Index, "projection"))
                {
                    var node = items is not null && i < items.Count ? items[i] : at.Index;
                    i++;
                    var col = df.Plan.Find(name) ?? throw UnknownColumn(it, df.Plan, name, node);
                    if (exprs.Exists(e => e.Name == name))
                    {
                        throw it.Error($"column '{name}' is selected twice", node);
                    }

                    exprs.Add(new NamedExpr(name, new ColumnExpr(name, col.Type, col.Semantic)));
                }

                return new DataFrameValue(new LogicalMap(df.Plan, exprs));
            default:
                throw it.Error($"a DataFrame cannot be indexed by a {index.TypeName}", at.Index);
        }
    }

    private static PxlObject GroupBy(Interpreter it, DataFrameValue df, CallArgs a)
    {
        var (v, node) = a.Require("groupby", "by", 0);
        a.CheckNoExtra("groupby", 1);
        var keys = new List<ColumnExpr>();
        foreach (var (name, n) in StringList(it, v, node, "groupby"))
        {
            var col = df.Plan.Find(name) ?? throw UnknownColumn(it, df.Plan, name, n);
            if (keys.Exists(k => k.Name == name))
            {
                throw it.Error($"column '{name}' appears twice in groupby", n);
            }

            keys.Add(new ColumnExpr(name, col.Type, col.Semantic));
        }

        return new GroupByValue(df, keys);
    }

    /// <summary><c>agg(out=('col', px.fn), …)</c>, after a groupby or over the whole DataFrame.</summary>
    public static PxlObject Agg(Interpreter it, DataFrameValue df, IReadOnlyList<ColumnExpr> keys, CallArgs a)
    {
        if (a.Positional.Count > 0)
        {
            throw it.Error("agg() takes keyword arguments only: agg(name=('column', px.fn))", a.Positional[0].Node);
        }

        var calls = new List<AggregateCall>();
        foreach (var (name, value, node) in a.Keywords)
        {
            if (keys.Any(k => k.Name == name))
            {
                throw it.Error($"aggregate '{name}' has the name of a groupby column; choose another name", node);
            }

            if (value is not TupleValue { Items: [StringValue column, var fn] })
            {
                throw it.Error($"aggregate '{name}' must be a tuple ('column', px.fn)", node);
            }

            if (fn is not AggregateValue uda)
            {
                throw it.Error($"'{fn.TypeName}' is not an aggregate function; use px.count, px.sum, px.mean, px.min or px.max", node);
            }

            var col = df.Plan.Find(column.Value) ?? throw UnknownColumn(it, df.Plan, column.Value, node);
            if (!uda.Function.TryResolve(col.Type, out var type))
            {
                throw it.Error($"px.{uda.Function.Name} does not take {Functions.Names.Of(col.Type)} column '{col.Name}'; it takes {uda.Function.Accepts}", node);
            }

            calls.Add(new AggregateCall(name, uda.Function, new ColumnExpr(col.Name, col.Type, col.Semantic), type, uda.Function.ResultSemantic(col.Semantic)));
        }

        if (calls.Count == 0 && keys.Count == 0)
        {
            throw it.Error("agg() needs at least one aggregate: agg(name=('column', px.fn))", a.Call);
        }

        return new DataFrameValue(new LogicalAggregate(df.Plan, keys, calls));
    }

    private static PxlObject Head(Interpreter it, DataFrameValue df, CallArgs a)
    {
        var n = a.Get("n", 0);
        a.CheckNoExtra("head", 1);
        var count = n switch
        {
            null => 5,
            ({ } v, var node) => v is IntValue i && i.Value >= 0 ? i.Value : throw it.Error("head(n) takes a non-negative int", node),
        };
        return new DataFrameValue(new LogicalLimit(df.Plan, count));
    }

    private static PxlObject Drop(Interpreter it, DataFrameValue df, CallArgs a)
    {
        var (v, node) = a.Require("drop", "columns", 0);
        a.CheckNoExtra("drop", 1);
        var drop = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, n) in StringList(it, v, node, "drop"))
        {
            _ = df.Plan.Find(name) ?? throw UnknownColumn(it, df.Plan, name, n);
            drop.Add(name);
        }

        var keep = df.Plan.Schema.Where(c => !drop.Contains(c.Name))
            .Select(c => new NamedExpr(c.Name, new ColumnExpr(c.Name, c.Type, c.Semantic)))
            .ToArray();
        return new DataFrameValue(new LogicalMap(df.Plan, keep));
    }

    /// <summary>
    /// <c>df.append(other)</c> or <c>df.append([a, b])</c>: a union. Every input must have the same column names and
    /// types; inputs whose columns come in another order get a map that aligns them to <paramref name="df"/>.
    /// </summary>
    private static PxlObject Append(Interpreter it, DataFrameValue df, CallArgs a)
    {
        var (v, node) = a.Require("append", "objs", 0);
        a.CheckNoExtra("append", 1);
        var others = v switch
        {
            DataFrameValue one => [one],
            ListValue or TupleValue => (v is ListValue l ? l.Items : ((TupleValue)v).Items)
                .Select(o => o as DataFrameValue ?? throw it.Error($"append takes DataFrames, got {o.TypeName}", node)).ToArray(),
            _ => throw it.Error($"append takes a DataFrame or a list of DataFrames, got {v.TypeName}", node),
        };
        var inputs = new List<LogicalPlan> { df.Plan };
        foreach (var other in others)
        {
            inputs.Add(Align(it, df.Plan.Schema, other.Plan, node));
        }

        return new DataFrameValue(new LogicalUnion(inputs));
    }

    private static LogicalPlan Align(Interpreter it, IReadOnlyList<ColumnSchema> target, LogicalPlan other, Node at)
    {
        var names = string.Join(", ", target.Select(c => c.Name));
        if (other.Schema.Count != target.Count)
        {
            throw it.Error($"append needs the same columns on both sides; expected [{names}], got [{string.Join(", ", other.Schema.Select(c => c.Name))}]", at);
        }

        var exprs = new List<NamedExpr>();
        var reordered = false;
        for (var i = 0; i < target.Count; i++)
        {
            var want = target[i];
            var have = other.Find(want.Name) ?? throw it.Error($"append: column '{want.Name}' is missing on the right side; expected [{names}]", at);
            if (have.Type != want.Type)
            {
                throw it.Error($"append: column '{want.Name}' is {Functions.Names.Of(want.Type)} on the left and {Functions.Names.Of(have.Type)} on the right", at);
            }

            reordered |= other.Schema[i].Name != want.Name;
            exprs.Add(new NamedExpr(want.Name, new ColumnExpr(want.Name, have.Type, have.Semantic)));
        }

        return reordered ? new LogicalMap(other, exprs) : other;
    }

    /// <summary>
    /// <c>df.merge(right, how='inner', left_on=..., right_on=..., suffixes=['_x', '_y'])</c>: the left columns then the
    /// right columns; a name on both sides gets the left or right suffix.
    /// </summary>
    private static PxlObject Merge(Interpreter it, DataFrameValue df, CallArgs a)
    {
        var (rv, rnode) = a.Require("merge", "right", 0);
        var right = rv as DataFrameValue ?? throw it.Error($"merge takes a DataFrame, got {rv.TypeName}", rnode);
        var how = a.Get("how", 1) is { } h
            ? (h.Value as StringValue)?.Value switch
            {
                "inner" => JoinType.Inner,
                "left" => JoinType.Left,
                "right" => JoinType.Right,
                "outer" => JoinType.Outer,
                _ => throw it.Error("how must be 'inner', 'left', 'right' or 'outer'", h.Node),
            }
            : JoinType.Inner;
        var (lv, lnode) = a.Require("merge", "left_on", 2);
        var (rkv, rknode) = a.Require("merge", "right_on", 3);
        var suffixes = a.Get("suffixes", 4) is { } sfx ? StringList(it, sfx.Value, sfx.Node, "suffixes").Select(x => x.Name).ToArray() : ["_x", "_y"];
        a.CheckNoExtra("merge", 5);
        if (suffixes.Length != 2)
        {
            throw it.Error("suffixes takes two strings, e.g. ['_x', '_y']", a.Call);
        }

        var leftKeys = StringList(it, lv, lnode, "left_on").ToList();
        var rightKeys = StringList(it, rkv, rknode, "right_on").ToList();
        if (leftKeys.Count != rightKeys.Count || leftKeys.Count == 0)
        {
            throw it.Error($"left_on and right_on must name the same number of columns ({leftKeys.Count} and {rightKeys.Count})", rknode);
        }

        for (var i = 0; i < leftKeys.Count; i++)
        {
            var l = df.Plan.Find(leftKeys[i].Name) ?? throw UnknownColumn(it, df.Plan, leftKeys[i].Name, leftKeys[i].Node);
            var r = right.Plan.Find(rightKeys[i].Name) ?? throw UnknownColumn(it, right.Plan, rightKeys[i].Name, rightKeys[i].Node);
            if (Physical(l.Type) != Physical(r.Type))
            {
                throw it.Error($"cannot join {Functions.Names.Of(l.Type)} column '{l.Name}' with {Functions.Names.Of(r.Type)} column '{r.Name}'", rightKeys[i].Node);
            }
        }

        var leftNames = df.Plan.Schema.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var rightNames = right.Plan.Schema.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var outputs = df.Plan.Schema.Select(c => new JoinOutput(0, c, rightNames.Contains(c.Name) ? c.Name + suffixes[0] : c.Name))
            .Concat(right.Plan.Schema.Select(c => new JoinOutput(1, c, leftNames.Contains(c.Name) ? c.Name + suffixes[1] : c.Name)))
            .ToArray();
        var duplicate = outputs.GroupBy(o => o.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw it.Error($"merge would produce column '{duplicate.Key}' twice; choose other suffixes", a.Call);
        }

        return new DataFrameValue(new LogicalJoin(df.Plan, right.Plan, how, leftKeys.Select(k => k.Name).ToArray(), rightKeys.Select(k => k.Name).ToArray(), outputs));
    }

    private static DataType Physical(DataType t) => t == DataType.Time64NS ? DataType.Int64 : t;

    /// <summary>A string or a list/tuple of strings, each with the node to blame in errors.</summary>
    public static IEnumerable<(string Name, Node Node)> StringList(Interpreter it, PxlObject v, Node node, string what)
    {
        switch (v)
        {
            case StringValue s:
                return [(s.Value, node)];
            case ListValue or TupleValue:
                var items = v is ListValue l ? l.Items : ((TupleValue)v).Items;
                var nodes = node is ListExpr le ? le.Items : node is TupleExpr te ? te.Items : null;
                return items.Select((item, i) => item is StringValue s
                    ? (s.Value, nodes is not null && i < nodes.Count ? nodes[i] : node)
                    : throw it.Error($"{what} takes column names (strings), got {item.TypeName}", node)).ToArray();
            default:
                throw it.Error($"{what} takes a column name or a list of column names, got {v.TypeName}", node);
        }
    }
}
