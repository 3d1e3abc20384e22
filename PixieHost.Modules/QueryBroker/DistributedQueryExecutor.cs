using System.Diagnostics;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// The query broker's executor: compiles and optimizes the script, splits the plan (<see cref="DistributedPlanner"/>),
/// finds the agents (<see cref="IVizierTopology"/>) and has the kelvin run it over the pems. Standalone and split
/// roles take this same path; only the topology differs (in process or over RPC).
/// </summary>
public sealed class DistributedQueryExecutor(QueryExecutor engine, IVizierTopology topology, IOptions<QueryBrokerOptions> options) : IQueryExecutor
{
    public async Task<QueryResult> ExecuteAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        var compileStart = Stopwatch.GetTimestamp();
        var (query, _, maxRows) = engine.PlanLogical(request);
        var plan = DistributedPlanner.Split(query, maxRows);
        var compileNs = (long)(Stopwatch.GetElapsedTime(compileStart).Ticks * 100L);
        var vizier = await topology.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var queryId = request.QueryId ?? Guid.NewGuid().ToString();
        var result = await vizier.Kelvin.ExecuteAsync(queryId, plan, vizier.Pems, engine.NowNs(), options.Value.QueryTimeout, cancellationToken).ConfigureAwait(false);
        var stats = new QueryStats(compileNs, result.ExecutionTimeNs, result.BytesProcessed, result.RecordsProcessed);
        return new QueryResult(result.Tables, stats) { Warnings = [.. vizier.Warnings, .. result.Warnings] };
    }

    public string Explain(QueryRequest request) => Explain(engine, request);

    /// <summary>The single-node EXPLAIN, then "== Distributed Plan ==": each node fragment and the cluster side.</summary>
    public static string Explain(QueryExecutor engine, QueryRequest request)
    {
        var (query, _, maxRows) = engine.PlanLogical(request);
        return engine.Explain(request) + "\n== Distributed Plan ==\n" + DistributedPlanner.Split(query, maxRows).Explain();
    }
}
