using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// The batches every node sent for node fragment <see cref="FragmentId"/>, as the execution's
/// <see cref="ExecContext.RemoteInputs"/> delivers them (blocking until the next batch or the end of all streams).
/// </summary>
public sealed class RemoteSourceExec(int fragmentId, TableSchema schema) : ExecNode
{
    public int FragmentId { get; } = fragmentId;

    public override TableSchema Schema { get; } = schema;

    public override IReadOnlyList<ExecNode> Children => [];

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        if (context.RemoteInputs is not { } inputs)
        {
            throw new InvalidOperationException($"Fragment {FragmentId} is read on the cluster side of a split plan; this execution has no remote inputs.");
        }

        foreach (var batch in inputs.Read(FragmentId, context.CancellationToken))
        {
            yield return ReferenceEquals(batch.Schema, Schema) ? batch : new RowBatch(Schema, batch.Columns, batch.RowCount);
        }
    }

    public override string Describe() => $"RemoteSourceExec: fragment={FragmentId}";
}

/// <summary>Where the cluster side of a split plan reads the node fragments' output.</summary>
public interface IRemoteInputs
{
    /// <summary>Every node's batches of <paramref name="fragmentId"/>; ends when every node's stream has ended or failed.</summary>
    IEnumerable<RowBatch> Read(int fragmentId, CancellationToken cancellationToken);
}
