using System.Buffers;
using System.Diagnostics;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Server;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// ExecuteScript over a streaming executor (the query broker): batches go to the client as the kelvin sends them,
/// nothing is held but one batch per table (so the last batch of each table can carry <c>eow</c>/<c>eos</c>).
/// </summary>
public sealed partial class VizierService
{
    private async Task StreamScriptAsync(
        IStreamingQueryExecutor streaming, QueryRequest request, string queryId, IRpcStreamWriter<Pb.ExecuteScriptResponse> responses, RpcCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        await using var events = streaming.StreamAsync(request, context.CancellationToken).GetAsyncEnumerator(context.CancellationToken);
        bool more;
        try
        {
            more = await events.MoveNextAsync();
        }
        catch (PxlCompileException e)
        {
            LogCompileError(logger, queryId, e.Line, e.Column, e.Message);
            await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Status = CompileErrorStatus(e) });
            return;
        }

        var ids = new List<string>();
        var relations = new List<TableSchema>();
        RowBatch? held = null;
        var buffer = new ArrayBufferWriter<byte>(_options.MaxBatchBytes + (_options.MaxBatchBytes / 4));
        try
        {
            for (; more; more = await events.MoveNextAsync())
            {
                switch (events.Current)
                {
                    case TableStarted t:
                        ids.Add(Guid.NewGuid().ToString());
                        relations.Add(t.Relation);
                        var metadata = new Pb.QueryMetadata { Name = t.Relation.Name, Id = ids[t.Index], Relation = RowBatchWireFormat.ToRelation(t.Relation) };
                        await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, MetaData = metadata });
                        break;
                    case TableBatch b:
                        if (held is not null)
                        {
                            await BatchMessages.WriteAsync(responses, buffer, queryId, ids[b.Index], held, eos: false, _options.MaxBatchBytes, _options.MaxRowsPerBatch);
                        }

                        held = b.Batch;
                        break;
                    case TableEnded t:
                        await BatchMessages.WriteAsync(responses, buffer, queryId, ids[t.Index], held ?? BatchMessages.Empty(relations[t.Index]), eos: true, _options.MaxBatchBytes, _options.MaxRowsPerBatch);
                        held = null;
                        break;
                    case QueryWarning w:
                        LogWarning(logger, queryId, w.Message);
                        await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Status = new Pb.Status { Code = (int)StatusCode.OK, Message = w.Message } });
                        break;
                    case ExecutionStats s:
                        var stats = new QueryStats(s.CompilationTimeNs, s.ExecutionTimeNs, s.BytesProcessed, s.RecordsProcessed);
                        await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Data = new Pb.QueryData { ExecutionStats = ToStats(stats, started) } });
                        break;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not RpcException)
        {
            LogExecutionFailed(logger, queryId, e);
            var status = new Pb.Status { Code = (int)StatusCode.Internal, Message = $"Script execution failed: {e.Message}" };
            await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Status = status });
        }
    }
}
