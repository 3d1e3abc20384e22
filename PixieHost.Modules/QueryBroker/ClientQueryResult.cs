using PixieHost.Modules.Pxl;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.QueryBroker;

/// <summary>The assembled answer of one <c>ExecuteScript</c> call: its tables in metadata order and the stats.</summary>
public sealed record ClientQueryResult(string QueryId, IReadOnlyList<ClientTable> Tables, QueryStats? Stats)
{
    /// <summary>Warnings the server sent (status code 0 with a message): the result is partial or degraded.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The table named <paramref name="name"/>; throws when the script produced none.</summary>
    public ClientTable this[string name] =>
        Tables.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"The result has no table '{name}'.");
}

/// <summary>One output table as received: relation, decoded column batches, and whether <c>eos</c> arrived.</summary>
public sealed class ClientTable(string id, TableSchema relation)
{
    private readonly List<RowBatch> _batches = [];

    public string Id { get; } = id;

    public string Name => Relation.Name;

    public TableSchema Relation { get; } = relation;

    public IReadOnlyList<RowBatch> Batches => _batches;

    public long RowCount { get; private set; }

    /// <summary>True once the batch with <c>eos</c> arrived.</summary>
    public bool Complete { get; private set; }

    /// <summary>
    /// Rows with typed values: <see cref="long"/> (INT64, and TIME64NS as nanoseconds since the epoch), <see cref="double"/>,
    /// <see cref="bool"/>, <see cref="string"/>, <see cref="UInt128"/>. Boxes every value: for output and tests, not hot paths.
    /// </summary>
    public IEnumerable<object?[]> Rows
    {
        get
        {
            foreach (var batch in _batches)
            {
                for (var r = 0; r < batch.RowCount; r++)
                {
                    var row = new object?[batch.Columns.Count];
                    for (var c = 0; c < row.Length; c++)
                    {
                        row[c] = batch.Columns[c].GetValue(r);
                    }

                    yield return row;
                }
            }
        }
    }

    internal void Add(RowBatch batch, bool eos)
    {
        if (batch.RowCount > 0)
        {
            _batches.Add(batch);
            RowCount += batch.RowCount;
        }

        Complete |= eos;
    }
}
