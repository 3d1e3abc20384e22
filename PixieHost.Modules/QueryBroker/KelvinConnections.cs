using System.Buffers;
using System.Runtime.CompilerServices;
using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.Rpc.VizierApi;
using PixieHost.Modules.TableStore;
using PlanPb = PixieHost.Modules.Rpc.Plan;

namespace PixieHost.Modules.QueryBroker;

/// <summary>A pem a query runs on: how warnings name it and where its fragment service listens.</summary>
public sealed record PemTarget(string Name, string Address);

/// <summary>What the kelvin sends back, collected: the result tables, warnings, and the volume and time of the execution.</summary>
public sealed record ClusterResult(IReadOnlyList<ResultTable> Tables, IReadOnlyList<string> Warnings, ExecutionStats Stats)
{
    /// <summary>Folds a query's events into tables (for callers that want the whole result).</summary>
    public static async Task<ClusterResult> CollectAsync(IAsyncEnumerable<QueryEvent> events)
    {
        var relations = new List<TableSchema>();
        var batches = new List<List<RowBatch>>();
        var warnings = new List<string>();
        var stats = new ExecutionStats(0, 0, 0);
        await foreach (var e in events.ConfigureAwait(false))
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
                case QueryWarning w:
                    warnings.Add(w.Message);
                    break;
                case ExecutionStats s:
                    stats = s;
                    break;
            }
        }

        var tables = relations.Select((r, i) => new ResultTable(r.Name, r, batches[i])).ToArray();
        return new ClusterResult(tables, warnings, stats);
    }
}

/// <summary>The kelvin a query's cluster side runs on.</summary>
public interface IKelvinConnection
{
    string Name { get; }

    /// <summary>The cluster side's events as the kelvin produces them.</summary>
    IAsyncEnumerable<QueryEvent> StreamAsync(string queryId, DistributedPlan plan, IReadOnlyList<PemTarget> pems, long nowNs, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The kelvin of this process (standalone): the same <see cref="ClusterExecutor"/>, called directly.</summary>
public sealed class LocalKelvinConnection(ClusterExecutor executor, Func<PemTarget, IPemConnection> connect) : IKelvinConnection
{
    public string Name => "kelvin (this process)";

    public async IAsyncEnumerable<QueryEvent> StreamAsync(
        string queryId, DistributedPlan plan, IReadOnlyList<PemTarget> pems, long nowNs, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await using var events = executor.ExecuteAsync(queryId, plan, pems.Select(connect).ToArray(), nowNs, cts.Token).GetAsyncEnumerator(cts.Token);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RpcException(StatusCode.DeadlineExceeded, $"The query ran longer than {timeout.TotalSeconds:0.#} s (QueryBroker:QueryTimeout).");
            }

            yield return events.Current;
        }
    }
}

/// <summary>A kelvin in another process: <c>px.internal.KelvinService/ExecuteQuery</c>, its messages turned back into events.</summary>
public sealed class RemoteKelvinConnection(string name, RpcChannel channel) : IKelvinConnection
{
    public string Name { get; } = name;

    public async IAsyncEnumerable<QueryEvent> StreamAsync(
        string queryId, DistributedPlan plan, IReadOnlyList<PemTarget> pems, long nowNs, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new PlanPb.ExecuteQueryRequest { QueryId = queryId, Plan = PlanCodec.Encode(plan), NowNs = nowNs };
        request.Pems.AddRange(pems.Select(p => new PlanPb.PemTarget { Name = p.Name, Address = p.Address }));
        var tables = new Dictionary<string, (int Index, TableSchema Relation)>(StringComparer.Ordinal);
        var options = new RpcCallOptions { Timeout = timeout };
        await foreach (var message in channel.ServerStreamingSerializedAsync(PlanPb.InternalMethods.ExecuteQuery, request, options, cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in Decode(message, tables))
            {
                yield return e;
            }
        }
    }

    private static IEnumerable<QueryEvent> Decode(ReadOnlySequence<byte> message, Dictionary<string, (int Index, TableSchema Relation)> tables)
    {
        var bytes = message.IsSingleSegment ? message.First : message.ToArray();
        if (RowBatchDecoder.TryDecodeBatchResponse(bytes.Span, out var decoded))
        {
            var (index, relation) = Table(tables, decoded.TableId);
            var rows = decoded.ToRowBatch(relation);
            if (rows.RowCount > 0)
            {
                yield return new TableBatch(index, rows);
            }

            if (decoded.Eos)
            {
                yield return new TableEnded(index);
            }

            yield break;
        }

        var response = ExecuteScriptResponse.Parser.ParseFrom(bytes.Span);
        if (response.Status is { Code: not 0 } status)
        {
            throw new RpcException((StatusCode)status.Code, status.Message);
        }

        if (response.Status is { Message.Length: > 0 } warning)
        {
            yield return new QueryWarning(warning.Message);
        }

        if (response.MetaData is { } md)
        {
            var relation = RowBatchWireFormat.FromRelation(md.Name, md.Relation ?? new Relation());
            tables[md.Id] = (tables.Count, relation);
            yield return new TableStarted(tables.Count - 1, relation);
        }
        else if (response.Data?.Batch is { } batch)
        {
            var (index, relation) = Table(tables, batch.TableId);
            if (batch.NumRows > 0)
            {
                yield return new TableBatch(index, RowBatchWireFormat.FromRowBatchData(relation, batch));
            }

            if (batch.Eos)
            {
                yield return new TableEnded(index);
            }
        }
        else if (response.Data?.ExecutionStats is { } s)
        {
            yield return new ExecutionStats(s.Timing?.ExecutionTimeNs ?? 0, s.BytesProcessed, s.RecordsProcessed);
        }
    }

    private static (int Index, TableSchema Relation) Table(Dictionary<string, (int Index, TableSchema Relation)> tables, string id) =>
        tables.TryGetValue(id, out var t) ? t : throw new RpcException(StatusCode.Internal, $"The kelvin sent a batch of table '{id}' before its metadata.");
}
