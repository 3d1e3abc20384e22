using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>Streams the batches of each input in turn, relabelled with the union's relation.</summary>
public sealed class UnionExec : ExecNode
{
    private readonly IReadOnlyList<ExecNode> _inputs;

    public UnionExec(IReadOnlyList<ExecNode> inputs)
    {
        _inputs = inputs;
        Schema = inputs[0].Schema;
    }

    public override TableSchema Schema { get; }

    public override IReadOnlyList<ExecNode> Children => _inputs;

    public override IEnumerable<RowBatch> Execute(ExecContext context)
    {
        foreach (var input in _inputs)
        {
            foreach (var batch in input.Execute(context))
            {
                yield return ReferenceEquals(batch.Schema, Schema) ? batch : new RowBatch(Schema, batch.Columns, batch.RowCount);
            }
        }
    }

    public override string Describe() => $"UnionExec: inputs={_inputs.Count}";
}
