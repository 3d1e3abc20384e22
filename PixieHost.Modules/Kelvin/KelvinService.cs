using System.Buffers;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Plan;
using PixieHost.Modules.Rpc.Server;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.Kelvin;

/// <summary>
/// <c>px.internal.KelvinService/ExecuteQuery</c>: decodes the broker's split plan, runs it over the listed pems and
/// streams the result as ExecuteScript does: a <c>meta_data</c> per table (id = the table's index), its batches, an
/// empty <c>eos</c> batch when it ends, a code-0 <c>status</c> per warning, then <c>execution_stats</c>.
/// </summary>
public sealed class KelvinService(QueryExecutor engine, ClusterExecutor executor, RpcChannelPool channels)
{
    public async Task ExecuteQuery(ExecuteQueryRequest request, IRpcStreamWriter<Pb.ExecuteScriptResponse> responses, RpcCallContext context)
    {
        Pxl.Distributed.DistributedPlan plan;
        try
        {
            plan = engine.CreateCodec().Decode(request.Plan, request.NowNs);
        }
        catch (PlanDecodeException e)
        {
            throw new RpcException(StatusCode.InvalidArgument, e.Message);
        }

        // Pems get the time left before the broker's deadline, less a margin so their failure reaches the broker as a warning.
        TimeSpan? timeout = context.Deadline is { } deadline ? (deadline - DateTime.UtcNow) * 0.9 : null;
        var pems = request.Pems.Select(p => (IPemConnection)new RemotePemConnection(p.Name, p.Address, channels.Get(p.Address), timeout)).ToArray();
        var relations = new List<TableSchema>();
        var buffer = new ArrayBufferWriter<byte>(BatchMessages.InternalMaxBytes + (BatchMessages.InternalMaxBytes / 4));
        await foreach (var e in executor.ExecuteAsync(request.QueryId, plan, pems, request.NowNs, context.CancellationToken))
        {
            switch (e)
            {
                case TableStarted t:
                    relations.Add(t.Relation);
                    var metadata = new Pb.QueryMetadata { Name = t.Relation.Name, Id = TableId(t.Index), Relation = RowBatchWireFormat.ToRelation(t.Relation) };
                    await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = request.QueryId, MetaData = metadata });
                    break;
                case TableBatch b:
                    await BatchMessages.WriteAsync(responses, buffer, request.QueryId, TableId(b.Index), b.Batch, eos: false);
                    break;
                case TableEnded t:
                    await BatchMessages.WriteAsync(responses, buffer, request.QueryId, TableId(t.Index), BatchMessages.Empty(relations[t.Index]), eos: true);
                    break;
                case QueryWarning w:
                    await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = request.QueryId, Status = new Pb.Status { Code = 0, Message = w.Message } });
                    break;
                case ExecutionStats s:
                    var stats = new Pb.QueryExecutionStats
                    {
                        Timing = new Pb.QueryTimingInfo { ExecutionTimeNs = s.ExecutionTimeNs },
                        BytesProcessed = s.BytesProcessed,
                        RecordsProcessed = s.RecordsProcessed,
                    };
                    await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = request.QueryId, Data = new Pb.QueryData { ExecutionStats = stats } });
                    break;
            }
        }
    }

    private static string TableId(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
