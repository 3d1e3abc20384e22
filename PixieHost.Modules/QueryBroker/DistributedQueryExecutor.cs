using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// The query broker's executor: compiles and optimizes the script, splits the plan (<see cref="DistributedPlanner"/>),
/// finds the agents (<see cref="IVizierTopology"/>) and has the kelvin run it over the pems. Standalone and split
/// roles take this same path; only the topology differs (in process or over RPC).
/// </summary>
public sealed partial class DistributedQueryExecutor(QueryExecutor engine, IVizierTopology topology, IOptions<QueryBrokerOptions> options, ILogger<DistributedQueryExecutor>? logger = null) : IStreamingQueryExecutor
{
    public async Task<QueryResult> ExecuteAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        var result = await ClusterResult.CollectAsync(StreamAsync(request, cancellationToken)).ConfigureAwait(false);
        var s = result.Stats;
        return new QueryResult(result.Tables, new QueryStats(s.CompilationTimeNs, s.ExecutionTimeNs, s.BytesProcessed, s.RecordsProcessed)) { Warnings = result.Warnings };
    }

    /// <summary>
    /// Compiles (a <see cref="PxlCompileException"/> comes before any event), splits, finds the agents and forwards
    /// the kelvin's events as they arrive; warnings about agents left out, then the stats with the compile time, come last.
    /// </summary>
    public async IAsyncEnumerable<QueryEvent> StreamAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var compileStart = Stopwatch.GetTimestamp();
        var (query, _, maxRows) = engine.PlanLogical(request);
        var plan = DistributedPlanner.Split(query, maxRows);
        var compileNs = (long)(Stopwatch.GetElapsedTime(compileStart).Ticks * 100L);
        var resolveStart = Stopwatch.GetTimestamp();
        var vizier = await topology.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var queryId = request.QueryId ?? Guid.NewGuid().ToString();
        var runStart = Stopwatch.GetTimestamp();
        var stats = new ExecutionStats(0, 0, 0);
        await foreach (var e in vizier.Kelvin.StreamAsync(queryId, plan, vizier.Pems, engine.NowNs(), options.Value.QueryTimeout, cancellationToken).ConfigureAwait(false))
        {
            if (e is ExecutionStats s)
            {
                stats = s;
                continue;
            }

            yield return e;
        }

        foreach (var w in vizier.Warnings)
        {
            yield return new QueryWarning(w);
        }

        if (logger is not null)
        {
            LogPhases(logger, queryId, compileNs / 1e6, Stopwatch.GetElapsedTime(resolveStart, runStart).TotalMilliseconds, vizier.Pems.Count, vizier.Kelvin.Name, Stopwatch.GetElapsedTime(runStart).TotalMilliseconds);
        }

        yield return stats with { CompilationTimeNs = compileNs };
    }

    public string Explain(QueryRequest request) => Explain(engine, request);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query {QueryId}: compiled and split in {CompileMs:F1} ms, {Pems} pems found in {ResolveMs:F1} ms, {Kelvin} answered in {RunMs:F1} ms")]
    private static partial void LogPhases(ILogger logger, string queryId, double compileMs, double resolveMs, int pems, string kelvin, double runMs);

    /// <summary>The single-node EXPLAIN, then "== Distributed Plan ==": each node fragment and the cluster side.</summary>
    public static string Explain(QueryExecutor engine, QueryRequest request)
    {
        var (query, _, maxRows) = engine.PlanLogical(request);
        return engine.Explain(request) + "\n== Distributed Plan ==\n" + DistributedPlanner.Split(query, maxRows).Explain();
    }
}
