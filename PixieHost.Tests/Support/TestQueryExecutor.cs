using PixieHost.Modules.Pxl;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Support;

/// <summary>
/// A stand-in for the PxL engine in query API tests: answers every script with the tables it was given (or runs a
/// supplied function), and records the requests it received.
/// </summary>
public sealed class TestQueryExecutor : IQueryExecutor
{
    private readonly Func<QueryRequest, CancellationToken, Task<QueryResult>> _run;

    public TestQueryExecutor(params ResultTable[] tables)
        : this((_, _) => Task.FromResult(new QueryResult(tables, new QueryStats(1_000, 2_000, 4_096, 42))))
    {
    }

    public TestQueryExecutor(Func<QueryRequest, CancellationToken, Task<QueryResult>> run) => _run = run;

    public List<QueryRequest> Requests { get; } = [];

    public Task<QueryResult> ExecuteAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return _run(request, cancellationToken);
    }

    public string Explain(QueryRequest request) => "TestQueryExecutor";

    /// <summary>A result table with one batch built row by row from boxed values in schema order.</summary>
    public static ResultTable Table(string name, IReadOnlyList<ColumnSchema> columns, params object?[][] rows)
    {
        var schema = new TableSchema(name, columns);
        var builder = new RowBatchBuilder(schema);
        foreach (var row in rows)
        {
            builder.AppendRow(row);
        }

        return new ResultTable(name, schema, [builder.Build()]);
    }
}
