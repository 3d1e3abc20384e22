using System.Text;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// A physical operator: pulls column batches from its children and produces batches of <see cref="Schema"/>.
/// Execution is lazy, so a satisfied limit stops the scan below it.
/// </summary>
public abstract class ExecNode
{
    public abstract TableSchema Schema { get; }

    public abstract IReadOnlyList<ExecNode> Children { get; }

    public abstract IEnumerable<RowBatch> Execute(ExecContext context);

    /// <summary>One line for EXPLAIN.</summary>
    public abstract string Describe();

    public string Explain()
    {
        var sb = new StringBuilder();
        Append(sb, this, 0);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, ExecNode node, int depth)
    {
        sb.Append(' ', depth * 2).Append(node.Describe()).Append('\n');
        foreach (var c in node.Children)
        {
            Append(sb, c, depth + 1);
        }
    }
}

/// <summary>What one execution shares: the table store, cancellation, and the volume counters of QueryStats.</summary>
public sealed class ExecContext(TableStore.TableStore store, CancellationToken cancellationToken = default)
{
    public TableStore.TableStore Store { get; } = store;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Bytes of the column data sources read.</summary>
    public long BytesProcessed { get; set; }

    /// <summary>Rows sources read.</summary>
    public long RecordsProcessed { get; set; }

    /// <summary>The node fragments' output, when this is the cluster side of a split plan.</summary>
    public IRemoteInputs? RemoteInputs { get; init; }
}

/// <summary>Batches already in memory (tests; later the receiving end of a node-to-cluster stream).</summary>
public sealed class MemoryExec(TableSchema schema, IReadOnlyList<RowBatch> batches) : ExecNode
{
    public override TableSchema Schema { get; } = schema;

    public override IReadOnlyList<ExecNode> Children => [];

    public override IEnumerable<RowBatch> Execute(ExecContext context) => batches;

    public override string Describe() => $"MemoryExec: batches={batches.Count}";
}
