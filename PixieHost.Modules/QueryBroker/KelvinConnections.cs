using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Rpc.Client;
using PlanPb = PixieHost.Modules.Rpc.Plan;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.QueryBroker;

/// <summary>A pem a query runs on: how warnings name it and where its fragment service listens.</summary>
public sealed record PemTarget(string Name, string Address);

/// <summary>What the kelvin sends back: the result tables, warnings, and the volume and time of the execution.</summary>
public sealed record ClusterResult(IReadOnlyList<ResultTable> Tables, IReadOnlyList<string> Warnings, long ExecutionTimeNs, long BytesProcessed, long RecordsProcessed);

/// <summary>The kelvin a query's cluster side runs on.</summary>
public interface IKelvinConnection
{
    string Name { get; }

    Task<ClusterResult> ExecuteAsync(string queryId, DistributedPlan plan, IReadOnlyList<PemTarget> pems, long nowNs, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The kelvin of this process (standalone): the same <see cref="ClusterExecutor"/>, called directly.</summary>
public sealed class LocalKelvinConnection(ClusterExecutor executor, Func<PemTarget, IPemConnection> connect) : IKelvinConnection
{
    public string Name => "kelvin (this process)";

    public async Task<ClusterResult> ExecuteAsync(
        string queryId, DistributedPlan plan, IReadOnlyList<PemTarget> pems, long nowNs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var relations = new List<TableSchema>();
        var batches = new List<List<RowBatch>>();
        var warnings = new List<string>();
        ClusterStats? stats = null;
        try
        {
            await foreach (var e in executor.ExecuteAsync(queryId, plan, pems.Select(connect).ToArray(), nowNs, cts.Token).ConfigureAwait(false))
            {
                switch (e)
                {
                    case TableStarted t:
                        relations.Add(t.Relation);
                        batches.Add([]);
                        break;
                    case TableBatch b:
                        batches[b.Index].Add(b.Batch);
                        break;
                    case ClusterWarning w:
                        warnings.Add(w.Message);
                        break;
                    case ClusterStats s:
                        stats = s;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Rpc.RpcException(Rpc.StatusCode.DeadlineExceeded, $"The query ran longer than {timeout.TotalSeconds:0.#} s (QueryBroker:QueryTimeout).");
        }

        var tables = relations.Select((r, i) => new ResultTable(r.Name, r, batches[i])).ToArray();
        return new ClusterResult(tables, warnings, stats?.ExecutionTimeNs ?? 0, stats?.BytesProcessed ?? 0, stats?.RecordsProcessed ?? 0);
    }
}

/// <summary>A kelvin in another process: <c>px.internal.KelvinService/ExecuteQuery</c>, its stream assembled into tables.</summary>
public sealed class RemoteKelvinConnection(string name, RpcChannel channel) : IKelvinConnection
{
    public string Name { get; } = name;

    public async Task<ClusterResult> ExecuteAsync(
        string queryId, DistributedPlan plan, IReadOnlyList<PemTarget> pems, long nowNs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = new PlanPb.ExecuteQueryRequest { QueryId = queryId, Plan = PlanCodec.Encode(plan), NowNs = nowNs };
        request.Pems.AddRange(pems.Select(p => new PlanPb.PemTarget { Name = p.Name, Address = p.Address }));
        var assembler = new ResultAssembler();
        var options = new RpcCallOptions { Timeout = timeout };
        await foreach (var message in channel.ServerStreamingSerializedAsync(PlanPb.InternalMethods.ExecuteQuery, request, options, cancellationToken).ConfigureAwait(false))
        {
            assembler.AddSerialized(message);
        }

        var result = assembler.Build();
        var tables = result.Tables.Select(t => new ResultTable(t.Name, t.Relation, t.Batches)).ToArray();
        var stats = result.Stats;
        return new ClusterResult(tables, result.Warnings, stats?.ExecutionTimeNs ?? 0, stats?.BytesProcessed ?? 0, stats?.RecordsProcessed ?? 0);
    }
}
