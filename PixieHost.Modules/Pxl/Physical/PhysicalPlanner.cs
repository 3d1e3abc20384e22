using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Maps each logical node to its operator.</summary>
public static class PhysicalPlanner
{
    public static SinkExec Plan(LogicalSink sink, long maxRowsPerTable) =>
        new(Plan(sink.Input), sink.Name, maxRowsPerTable);

    public static ExecNode Plan(LogicalPlan node) => node switch
    {
        LogicalSource s => new SourceExec(s.Table, s.Columns, s.StartNs, s.EndNs),
        LogicalUdtfSource u => new UdtfExec(u.Function, u.Context),
        LogicalFilter f => new FilterExec(Plan(f.Input), f.Predicate),
        LogicalMap m => new MapExec(Plan(m.Input), m.Exprs),
        LogicalAggregate a => new AggregateExec(a.Mode, Plan(a.Input), a.GroupBy, a.Aggregates),
        LogicalLimit l => new LimitExec(Plan(l.Input), l.Count),
        LogicalUnion u => new UnionExec(u.Inputs.Select(Plan).ToArray()),
        LogicalJoin j => new HashJoinExec(Plan(j.Inputs[0]), Plan(j.Inputs[1]), j),
        LogicalRemoteSource r => new RemoteSourceExec(r.FragmentId, new TableSchema($"fragment{r.FragmentId}", r.Schema.ToArray())),
        LogicalSink s => Plan(s, long.MaxValue),
        _ => throw new NotSupportedException($"No physical operator for {node.GetType().Name}."),
    };
}
