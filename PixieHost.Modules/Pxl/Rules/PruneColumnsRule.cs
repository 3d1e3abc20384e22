using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Computes which columns each node's consumers need, from the sinks down, and drops the rest: unused map
/// outputs and aggregates go, and sources read only the columns that are used.
/// </summary>
public sealed class PruneColumnsRule : IRule
{
    public string Name => nameof(PruneColumnsRule);

    public LogicalPlan Rewrite(LogicalPlan plan, out bool changed)
    {
        var c = false;
        var result = Prune(plan, null, ref c);
        changed = c;
        return result;
    }

    /// <summary>Prunes <paramref name="node"/> to <paramref name="required"/> (null: every output column).</summary>
    private static LogicalPlan Prune(LogicalPlan node, HashSet<string>? required, ref bool changed)
    {
        required ??= node.Schema.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        switch (node)
        {
            case LogicalSink sink:
                return Rebuild(sink, Prune(sink.Input, null, ref changed));
            case LogicalMap map:
                var kept = map.Exprs.Where(e => required.Contains(e.Name)).ToList();
                if (kept.Count == 0)
                {
                    kept.Add(map.Exprs[0]);
                }

                var need = new HashSet<string>(StringComparer.Ordinal);
                foreach (var e in kept)
                {
                    e.Expr.CollectColumns(need);
                }

                var mapInput = Prune(map.Input, need, ref changed);
                if (kept.Count == map.Exprs.Count)
                {
                    return Rebuild(map, mapInput);
                }

                changed = true;
                return new LogicalMap(mapInput, kept);
            case LogicalFilter filter:
                var withPredicate = new HashSet<string>(required, StringComparer.Ordinal);
                filter.Predicate.CollectColumns(withPredicate);
                return Rebuild(filter, Prune(filter.Input, withPredicate, ref changed));
            case LogicalLimit limit:
                return Rebuild(limit, Prune(limit.Input, required, ref changed));
            case LogicalUnion union:
                // Pruning keeps each input's column order, and the inputs start aligned, so they stay aligned.
                var inputs = new LogicalPlan[union.Inputs.Count];
                var any = false;
                for (var i = 0; i < inputs.Length; i++)
                {
                    inputs[i] = Prune(union.Inputs[i], required, ref changed);
                    any |= !ReferenceEquals(inputs[i], union.Inputs[i]);
                }

                return any ? new LogicalUnion(inputs) : union;
            case LogicalAggregate agg:
                var aggs = agg.Aggregates.Where(a => required.Contains(a.Name)).ToList();
                if (aggs.Count == 0 && agg.GroupBy.Count == 0)
                {
                    aggs.Add(agg.Aggregates[0]);
                }

                var inputNeed = agg.GroupBy.Select(g => g.Name).Concat(aggs.Select(a => a.Argument.Name)).ToHashSet(StringComparer.Ordinal);
                var aggInput = Prune(agg.Input, inputNeed, ref changed);
                if (aggs.Count == agg.Aggregates.Count)
                {
                    return Rebuild(agg, aggInput);
                }

                changed = true;
                return new LogicalAggregate(aggInput, agg.GroupBy, aggs);
            case LogicalJoin join:
                var outputs = join.Outputs.Where(o => required.Contains(o.Name)).ToList();
                if (outputs.Count == 0)
                {
                    outputs.Add(join.Outputs[0]);
                }

                var leftNeed = join.LeftKeys.Concat(outputs.Where(o => o.Side == 0).Select(o => o.Column.Name)).ToHashSet(StringComparer.Ordinal);
                var rightNeed = join.RightKeys.Concat(outputs.Where(o => o.Side == 1).Select(o => o.Column.Name)).ToHashSet(StringComparer.Ordinal);
                var left = Prune(join.Inputs[0], leftNeed, ref changed);
                var right = Prune(join.Inputs[1], rightNeed, ref changed);
                if (outputs.Count != join.Outputs.Count)
                {
                    changed = true;
                    return new LogicalJoin(left, right, join.How, join.LeftKeys, join.RightKeys, outputs);
                }

                return ReferenceEquals(left, join.Inputs[0]) && ReferenceEquals(right, join.Inputs[1]) ? join : join.WithInputs([left, right]);
            case LogicalSource source:
                var columns = source.Columns.Where(required.Contains).ToList();
                if (columns.Count == 0)
                {
                    // Something must be read to know the row count (e.g. count of a constant); time_ is cheapest.
                    columns.Add(source.Columns.Contains("time_") ? "time_" : source.Columns[0]);
                }

                if (columns.Count == source.Columns.Count)
                {
                    return source;
                }

                changed = true;
                return source.With(columns: columns);
            default:
                return node;
        }
    }

    private static LogicalPlan Rebuild(LogicalPlan node, LogicalPlan input) =>
        ReferenceEquals(input, node.Input) ? node : node.WithInputs([input]);
}
