using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Places node-only metadata calls (upid_to_* and ctx keys) in the node fragment, where the process metadata
/// lives, and marks them <c>@node</c>. A call above a blocking operator moves below it as a new column when its
/// argument columns pass through unchanged (a groupby key, a limit, each input of a union, one side of a join),
/// and the consumer reads that column. Runs once after the other rules (see <see cref="Optimizer"/>), since
/// PushLimitRule would otherwise move limits back below the maps this rule creates.
/// </summary>
public sealed class PlaceMetadataRule : IRule
{
    public string Name => nameof(PlaceMetadataRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        changed = false;
        return PlanRewriter.TransformUp(plan, Place, ref changed);
    }

    private static LogicalPlan Place(LogicalPlan node)
    {
        if (node is not (LogicalMap or LogicalFilter))
        {
            return node;
        }

        var exprs = node is LogicalMap m ? m.Exprs.Select(e => e.Expr).ToArray() : [((LogicalFilter)node).Predicate];
        var calls = exprs.SelectMany(MetadataPlacement.NodeOnlyCalls).Where(c => c.Placement is null).Distinct().ToList();
        if (calls.Count == 0)
        {
            return node;
        }

        if (MetadataPlacement.IsNodeSide(node.Input))
        {
            return WithExprs(node, node.Input, e => MetadataPlacement.Replace(e, f => MetadataPlacement.IsNodeOnly(f) ? Mark(f) : null));
        }

        // Compute each call below the blocking operators as a new column, then read that column here.
        // Calls are keyed by their text, so the same call written twice is computed once.
        var input = node.Input;
        var columns = new Dictionary<string, ColumnExpr>(StringComparer.Ordinal);
        var taken = Names(node);
        foreach (var call in calls)
        {
            if (!columns.ContainsKey(call.ToString()))
            {
                var name = Unique(PreferredName(node, call), taken);
                input = AddColumn(input, call, name);
                columns[call.ToString()] = new ColumnExpr(name, call.Type, call.Semantic);
            }
        }

        return WithExprs(node, input, e => MetadataPlacement.Replace(e, f => MetadataPlacement.IsNodeOnly(f) ? columns.GetValueOrDefault(f.ToString()) : null));
    }

    private static FunctionExpr Mark(FunctionExpr f) => f with { Placement = MetadataPlacement.Node };

    /// <summary><paramref name="plan"/> with one more output column <paramref name="name"/> = <paramref name="call"/> computed in the node fragment.</summary>
    private static LogicalPlan AddColumn(LogicalPlan plan, FunctionExpr call, string name)
    {
        if (MetadataPlacement.IsNodeSide(plan))
        {
            // Extend a node-side map whose outputs the call reads unchanged, rather than stacking one map per call.
            if (plan is LogicalMap nodeMap && call.Columns().All(nodeMap.IsPassThrough))
            {
                return new LogicalMap(nodeMap.Input, [.. nodeMap.Exprs, new NamedExpr(name, Mark(call))]);
            }

            var passThrough = plan.Schema.Select(c => new NamedExpr(c.Name, new ColumnExpr(c.Name, c.Type, c.Semantic)));
            return new LogicalMap(plan, [.. passThrough, new NamedExpr(name, Mark(call))]);
        }

        var added = new ColumnExpr(name, call.Type, call.Semantic);
        switch (plan)
        {
            case LogicalMap map:
                return new LogicalMap(AddColumn(map.Input, call, name), [.. map.Exprs, new NamedExpr(name, added)]);
            case LogicalFilter or LogicalLimit:
                return plan.WithInputs([AddColumn(plan.Input, call, name)]);
            case LogicalAggregate agg:
                return new LogicalAggregate(AddColumn(agg.Input, call, name), [.. agg.GroupBy, added], agg.Aggregates);
            case LogicalUnion union:
                return new LogicalUnion(union.Inputs.Select(i => AddColumn(i, call, name)).ToArray());
            case LogicalJoin join when MetadataPlacement.JoinSide(join, call.Columns().ToArray(), out var side, out _):
                var onSide = (FunctionExpr)Rename(call, join, side);
                var inputs = join.Inputs.ToArray();
                inputs[side] = AddColumn(inputs[side], onSide, name);
                var column = new TableStore.ColumnSchema(name, call.Type, call.Semantic);
                return new LogicalJoin(inputs[0], inputs[1], join.How, join.LeftKeys, join.RightKeys, [.. join.Outputs, new JoinOutput(side, column, name)]);
            default:
                // The compiler checked placement with MetadataPlacement.WhyNot, so this is a bug, not a user error.
                throw new InvalidOperationException($"{call} cannot be placed below {plan.Describe()}: {MetadataPlacement.WhyNot(plan, call.Columns().ToArray())}");
        }
    }

    /// <summary>The call with its column references renamed from the join's output names to <paramref name="side"/>'s names.</summary>
    private static LogicalExpr Rename(LogicalExpr e, LogicalJoin join, int side) => e switch
    {
        ColumnExpr c => c with { Name = join.Outputs.First(o => o.Name == c.Name && o.Side == side).Column.Name },
        FunctionExpr f => f with { Args = f.Args.Select(a => Rename(a, join, side)).ToArray() },
        _ => e,
    };

    private static LogicalPlan WithExprs(LogicalPlan node, LogicalPlan input, Func<LogicalExpr, LogicalExpr> rewrite)
    {
        if (node is LogicalFilter filter)
        {
            var filtered = new LogicalFilter(input, rewrite(filter.Predicate));
            return input.Schema.Count == filter.Input.Schema.Count
                ? filtered
                : new LogicalMap(filtered, filter.Schema.Select(c => new NamedExpr(c.Name, new ColumnExpr(c.Name, c.Type, c.Semantic))).ToArray());
        }

        var map = (LogicalMap)node;
        var exprs = map.Exprs.Select(e => new NamedExpr(e.Name, rewrite(e.Expr))).ToArray();
        return IsIdentity(exprs, input) ? input : new LogicalMap(input, exprs);
    }

    private static bool IsIdentity(NamedExpr[] exprs, LogicalPlan input)
    {
        if (exprs.Length != input.Schema.Count)
        {
            return false;
        }

        for (var i = 0; i < exprs.Length; i++)
        {
            if (exprs[i].Expr is not ColumnExpr c || c.Name != exprs[i].Name || input.Schema[i].Name != c.Name)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The map's output name when the output is exactly the call (df.pod = df.ctx['pod']), else "_fn_arg".</summary>
    private static string PreferredName(LogicalPlan node, FunctionExpr call) =>
        node is LogicalMap m && m.Exprs.FirstOrDefault(e => e.Expr.Equals(call)) is { } named
            ? named.Name
            : "_" + call.Function.Name + "_" + string.Join("_", call.Columns());

    private static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var i = 2; !taken.Add(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }

        return candidate;
    }

    /// <summary>Every column name below <paramref name="node"/>, so a new column shadows none of them.</summary>
    private static HashSet<string> Names(LogicalPlan node)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<LogicalPlan>(node.Inputs);
        while (stack.Count > 0)
        {
            var p = stack.Pop();
            foreach (var c in p.Schema)
            {
                names.Add(c.Name);
            }

            foreach (var i in p.Inputs)
            {
                stack.Push(i);
            }
        }

        return names;
    }
}
