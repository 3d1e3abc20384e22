using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl;

/// <summary>
/// A query's result as a stream, in order: every table's start, then each table's batches and end (one table after
/// the other), warnings, and the stats. The kelvin produces it, the broker forwards it, ExecuteScript encodes it.
/// </summary>
public abstract record QueryEvent;

public sealed record TableStarted(int Index, TableSchema Relation) : QueryEvent;

public sealed record TableBatch(int Index, RowBatch Batch) : QueryEvent;

public sealed record TableEnded(int Index) : QueryEvent;

/// <summary>Something went wrong without failing the query (e.g. a pem died: its rows are missing).</summary>
public sealed record QueryWarning(string Message) : QueryEvent;

/// <summary>Volume and time of the whole query: the pems' sources and the cluster's own (UDTFs).</summary>
public sealed record ExecutionStats(long ExecutionTimeNs, long BytesProcessed, long RecordsProcessed, long CompilationTimeNs = 0) : QueryEvent;

/// <summary>An executor that can hand out results as they are produced (the query broker forwarding a kelvin's stream).</summary>
public interface IStreamingQueryExecutor : IQueryExecutor
{
    /// <summary>
    /// The query's events. A script that does not compile throws <see cref="PxlCompileException"/> before the first
    /// event; failures of the vizier throw <see cref="Rpc.RpcException"/>.
    /// </summary>
    IAsyncEnumerable<QueryEvent> StreamAsync(QueryRequest request, CancellationToken cancellationToken = default);
}
