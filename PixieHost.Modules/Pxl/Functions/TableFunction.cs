using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>What a UDTF may read when it runs: the tables, the functions, the agents and the query's clock.</summary>
public sealed record UdtfContext(ITableCatalog Catalog, FunctionRegistry Functions, IAgentStatusSource Agents, long NowNs);

/// <summary>
/// A user-defined table function (Pixie's UDTF): called as <c>px.Name()</c>, it is a source whose rows it
/// computes itself (px.GetSchemas, px.GetAgentStatus, …). <see cref="Executor"/> is Pixie's UDTFSourceExecutor,
/// which tells the distributed planner where it runs.
/// </summary>
public abstract class TableFunction(string name, string executor, string description)
{
    public string Name { get; } = name;

    /// <summary>UDTF_ALL_AGENTS, UDTF_ALL_PEM, UDTF_ALL_KELVIN or UDTF_ONE_KELVIN.</summary>
    public string Executor { get; } = executor;

    public string Description { get; } = description;

    /// <summary>The output relation; its name is the UDTF's name.</summary>
    public abstract TableSchema Relation { get; }

    /// <summary>Computes the rows (cold path: these tables are small).</summary>
    public abstract IEnumerable<RowBatch> Produce(UdtfContext context);

    /// <summary>Builds one batch from rows of boxed values in <see cref="Relation"/>'s column order.</summary>
    protected RowBatch Batch(IReadOnlyList<object?[]> rows)
    {
        var builders = Relation.Columns.Select(c => ColumnBuilder.For(c.Type, Math.Max(rows.Count, 1))).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < builders.Length; i++)
            {
                builders[i].AppendObject(row[i]);
            }
        }

        return new RowBatch(Relation, builders.Select(b => b.Build()).ToArray(), rows.Count);
    }
}
