namespace PixieHost.Client;

/// <summary>Everything one query returned: its tables in the order the server announced them, stats and warnings.</summary>
public sealed class QueryResult
{
    internal QueryResult(string queryId, IReadOnlyList<ResultTable> tables, ExecutionStats? stats, IReadOnlyList<string> warnings)
    {
        QueryId = queryId;
        Tables = tables;
        Stats = stats;
        Warnings = warnings;
    }

    /// <summary>The server's id of the query.</summary>
    public string QueryId { get; }

    public IReadOnlyList<ResultTable> Tables { get; }

    /// <summary>The execution statistics; null when the stream ended without them.</summary>
    public ExecutionStats? Stats { get; }

    /// <summary>Problems that did not stop the query (e.g. an agent that failed mid-query; its data is missing).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The table named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> listing the tables when there is none.</summary>
    public ResultTable this[string name] =>
        Tables.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"The result has no table '{name}'. Its tables: {string.Join(", ", Tables.Select(t => t.Name))}.");
}

/// <summary>One output table: its metadata and every batch received for it.</summary>
public sealed class ResultTable
{
    private readonly List<ResultBatch> _batches = [];

    internal ResultTable(TableInfo info) => Info = info;

    public TableInfo Info { get; }

    public string Name => Info.Name;

    public IReadOnlyList<ColumnInfo> Columns => Info.Columns;

    /// <summary>The batches in arrival order (empty ones left out).</summary>
    public IReadOnlyList<ResultBatch> Batches => _batches;

    public long RowCount { get; private set; }

    /// <summary>True once the table's last batch (<c>eos</c>) arrived.</summary>
    public bool Complete { get; private set; }

    /// <summary>All rows, batch after batch.</summary>
    public IEnumerable<ResultRow> Rows => _batches.SelectMany(b => b.Rows);

    internal void Add(ResultBatch batch)
    {
        if (batch.RowCount > 0)
        {
            _batches.Add(batch);
            RowCount += batch.RowCount;
        }

        Complete |= batch.EndOfStream;
    }
}

/// <summary>Folds result events into a <see cref="QueryResult"/>.</summary>
internal sealed class QueryResultBuilder
{
    private readonly List<ResultTable> _tables = [];
    private readonly Dictionary<TableInfo, ResultTable> _byInfo = [];
    private readonly List<string> _warnings = [];
    private ExecutionStats? _stats;

    public void Add(ResultEvent e)
    {
        switch (e)
        {
            case TableMetadataEvent m:
                var table = new ResultTable(m.Table);
                _tables.Add(table);
                _byInfo[m.Table] = table;
                break;
            case BatchEvent b:
                _byInfo[b.Batch.Table].Add(b.Batch);
                break;
            case StatsEvent s:
                _stats = s.Stats;
                break;
            case WarningEvent w:
                _warnings.Add(w.Message);
                break;
        }
    }

    public QueryResult Build(string queryId) => new(queryId, _tables, _stats, _warnings);
}
