using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Pxl.Physical;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Plan;
using PixieHost.Modules.Rpc.Server;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.Pem.Fragments;

/// <summary>
/// <c>px.internal.PemService/ExecuteFragment</c>: runs one node fragment over this pem's table store and streams its
/// batches (<c>data.batch</c>), then <c>data.execution_stats</c> with the bytes and rows its sources read.
/// </summary>
public sealed partial class PemFragmentService(QueryExecutor engine, ILogger<PemFragmentService> logger)
{
    public async Task ExecuteFragment(ExecuteFragmentRequest request, IRpcStreamWriter<Pb.ExecuteScriptResponse> responses, RpcCallContext context)
    {
        PlanFragment fragment;
        try
        {
            fragment = engine.CreateCodec().Decode(request.Fragment, request.NowNs);
        }
        catch (PlanDecodeException e)
        {
            throw new RpcException(StatusCode.InvalidArgument, e.Message);
        }

        var started = Stopwatch.GetTimestamp();
        ExecContext? execution = null;
        var buffer = new ArrayBufferWriter<byte>(BatchMessages.InternalMaxBytes + (BatchMessages.InternalMaxBytes / 4));
        var batches = BatchPump.RunAsync(
            token =>
            {
                execution = new ExecContext(engine.Store, token);
                return QueryExecutor.ExecuteFragment(fragment, execution);
            },
            cancellationToken: context.CancellationToken);
        await foreach (var batch in batches)
        {
            if (batch.RowCount > 0)
            {
                await BatchMessages.WriteAsync(responses, buffer, request.QueryId, string.Empty, batch, eos: false);
            }
        }

        var stats = new Pb.QueryExecutionStats
        {
            Timing = new Pb.QueryTimingInfo { ExecutionTimeNs = (long)(Stopwatch.GetElapsedTime(started).Ticks * 100L) },
            BytesProcessed = execution?.BytesProcessed ?? 0,
            RecordsProcessed = execution?.RecordsProcessed ?? 0,
        };
        await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = request.QueryId, Data = new Pb.QueryData { ExecutionStats = stats } });
        LogFragmentDone(logger, request.QueryId, fragment.Id, stats.RecordsProcessed, stats.Timing.ExecutionTimeNs / 1e6);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query {QueryId}: fragment {Fragment} read {Rows} rows in {Ms:F1} ms")]
    private static partial void LogFragmentDone(ILogger logger, string queryId, int fragment, long rows, double ms);
}
