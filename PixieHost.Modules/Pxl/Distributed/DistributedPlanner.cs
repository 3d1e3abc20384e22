using System.Text;
using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Distributed;

/// <summary>A part of a plan that runs on every node (pem) over the node's own table store.</summary>
public sealed record PlanFragment(int Id, LogicalPlan Root);

/// <summary>
/// A plan cut in two: <see cref="NodeFragments"/> run on every pem; <see cref="ClusterSinks"/> run on one kelvin and
/// read the fragments' output through <see cref="LogicalRemoteSource"/> leaves.
/// </summary>
public sealed record DistributedPlan(IReadOnlyList<PlanFragment> NodeFragments, IReadOnlyList<LogicalSink> ClusterSinks, long MaxRowsPerTable)
{
    /// <summary>"-- node fragment N (every pem) --" trees, then "-- cluster (one kelvin) --" trees.</summary>
    public string Explain()
    {
        var sb = new StringBuilder();
        foreach (var f in NodeFragments)
        {
            sb.Append("-- node fragment ").Append(f.Id).Append(" (every pem) --\n").Append(f.Root.Explain());
        }

        sb.Append("-- cluster (one kelvin) --\n");
        foreach (var s in ClusterSinks)
        {
            sb.Append(s.Explain());
        }

        return sb.ToString();
    }
}

/// <summary>
/// Cuts an optimized plan where its data must meet. Sources and the filters and maps over them run on every node.
/// The first blocking operator above them is cut: an aggregate becomes a partial aggregate on the nodes and a final
/// one on the cluster; a limit runs on both sides; a join, union or UDTF reads the nodes' output on the cluster.
/// A table displayed without a limit or aggregate gets the output row limit on the nodes too, so no node ships more
/// rows than the result can hold.
/// </summary>
public static class DistributedPlanner
{
    public static DistributedPlan Split(LogicalQuery query, long maxRowsPerTable)
    {
        var fragments = new List<PlanFragment>();
        var sinks = query.Sinks.Select(s => (LogicalSink)s.WithInputs([CutSinkInput(s.Input, fragments, maxRowsPerTable)])).ToArray();
        return new DistributedPlan(fragments, sinks, maxRowsPerTable);
    }

    /// <summary>True when <paramref name="node"/> and everything below it can run on one node without other nodes' rows.</summary>
    public static bool IsNodeLocal(LogicalPlan node) => node switch
    {
        LogicalSource => true,
        LogicalFilter or LogicalMap => IsNodeLocal(node.Input),
        _ => false,
    };

    private static LogicalPlan CutSinkInput(LogicalPlan input, List<PlanFragment> fragments, long maxRows) =>
        IsNodeLocal(input) ? Remote(new LogicalLimit(input, maxRows), fragments) : Cut(input, fragments);

    private static LogicalPlan Cut(LogicalPlan node, List<PlanFragment> fragments)
    {
        if (IsNodeLocal(node))
        {
            return Remote(node, fragments);
        }

        switch (node)
        {
            case LogicalAggregate { Mode: AggregateMode.Single } agg when IsNodeLocal(agg.Input):
                var partial = agg.WithMode(AggregateMode.Partial, agg.Input);
                return agg.WithMode(AggregateMode.Final, Remote(partial, fragments));
            case LogicalLimit limit when IsNodeLocal(limit.Input):
                return new LogicalLimit(Remote(limit, fragments), limit.Count);
            default:
                return node.Inputs.Count == 0 ? node : node.WithInputs(node.Inputs.Select(i => Cut(i, fragments)).ToArray());
        }
    }

    private static LogicalRemoteSource Remote(LogicalPlan nodeSide, List<PlanFragment> fragments)
    {
        var id = fragments.Count;
        fragments.Add(new PlanFragment(id, nodeSide));
        return new LogicalRemoteSource(id, nodeSide.Schema);
    }
}
