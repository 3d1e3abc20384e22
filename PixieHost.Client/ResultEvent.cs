namespace PixieHost.Client;

/// <summary>
/// One thing that arrived on a result stream (<see cref="PixieClient.StreamAsync"/>), in order: every table's
/// <see cref="TableMetadataEvent"/> first, then <see cref="BatchEvent"/>s naming their table, then <see cref="StatsEvent"/>
/// last; <see cref="WarningEvent"/>s may come at any point.
/// </summary>
public abstract record ResultEvent;

/// <summary>An output table was announced: its name and columns. Its batches follow.</summary>
public sealed record TableMetadataEvent(TableInfo Table) : ResultEvent;

/// <summary>A batch of rows of <see cref="ResultBatch.Table"/>; the one with <see cref="ResultBatch.EndOfStream"/> is the table's last.</summary>
public sealed record BatchEvent(ResultBatch Batch) : ResultEvent;

/// <summary>The execution statistics, the last message of a successful query.</summary>
public sealed record StatsEvent(ExecutionStats Stats) : ResultEvent;

/// <summary>
/// The server reported a problem that did not stop the query (an OK status with a message), e.g. a node whose agent
/// failed mid-query: the result lacks its data.
/// </summary>
public sealed record WarningEvent(string Message) : ResultEvent;

/// <summary>What the server measured for one query.</summary>
/// <param name="CompilationTimeNs">Time spent compiling the script, in nanoseconds.</param>
/// <param name="ExecutionTimeNs">Time spent executing it, in nanoseconds.</param>
/// <param name="BytesProcessed">Bytes the query read from the table stores.</param>
/// <param name="RecordsProcessed">Rows the query read from the table stores.</param>
public sealed record ExecutionStats(long CompilationTimeNs, long ExecutionTimeNs, long BytesProcessed, long RecordsProcessed)
{
    public TimeSpan CompilationTime => TimeSpan.FromTicks(CompilationTimeNs / 100);

    public TimeSpan ExecutionTime => TimeSpan.FromTicks(ExecutionTimeNs / 100);
}
