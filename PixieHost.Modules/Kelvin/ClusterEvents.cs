using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Kelvin;

/// <summary>What the cluster side of a query produces, in order: every table's start, batches and end, warnings, stats.</summary>
public abstract record ClusterEvent;

public sealed record TableStarted(int Index, TableSchema Relation) : ClusterEvent;

public sealed record TableBatch(int Index, RowBatch Batch) : ClusterEvent;

public sealed record TableEnded(int Index) : ClusterEvent;

public sealed record ClusterWarning(string Message) : ClusterEvent;

/// <summary>Volume over the whole query: the pems' sources and the cluster's own (UDTFs).</summary>
public sealed record ClusterStats(long ExecutionTimeNs, long BytesProcessed, long RecordsProcessed) : ClusterEvent;
