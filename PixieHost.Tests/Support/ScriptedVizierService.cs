using Microsoft.AspNetCore.Builder;
using PixieHost.Modules.Rpc.Server;
using PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Tests.Support;

/// <summary>
/// A stand-in for the query API's <c>ExecuteScript</c> that writes whatever response stream a test scripts (warnings,
/// in-band errors, endless streams), and records the request headers and how the call ended.
/// </summary>
public sealed class ScriptedVizierService
{
    public Func<ExecuteScriptRequest, IRpcStreamWriter<ExecuteScriptResponse>, RpcCallContext, Task> Handler { get; set; } =
        static (_, _, _) => Task.CompletedTask;

    /// <summary>Completes when a call's handler ended: true when it ended because the call was cancelled.</summary>
    public TaskCompletionSource<bool> CallEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Dictionary<string, string> LastHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The status code HealthCheck reports (then it waits for the client to hang up).</summary>
    public int HealthCode { get; set; }

    public static void Map(WebApplication app)
    {
        app.MapRpcServerStreaming<ScriptedVizierService, ExecuteScriptRequest, ExecuteScriptResponse>(
            VizierServiceMethods.ExecuteScript, static (s, request, responses, ctx) => s.RunAsync(request, responses, ctx));
        app.MapRpcServerStreaming<ScriptedVizierService, HealthCheckRequest, HealthCheckResponse>(
            VizierServiceMethods.HealthCheck, static async (s, _, responses, ctx) =>
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = new Status { Code = s.HealthCode, Message = "scripted" } });
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            });
    }

    public static ExecuteScriptResponse Metadata(string id, string name, params (string Name, DataType Type)[] columns)
    {
        var relation = new Relation();
        foreach (var (column, type) in columns)
        {
            relation.Columns.Add(new Relation.Types.ColumnInfo { ColumnName = column, ColumnType = type, ColumnSemanticType = SemanticType.StNone });
        }

        return new ExecuteScriptResponse { QueryId = "q1", MetaData = new QueryMetadata { Id = id, Name = name, Relation = relation } };
    }

    /// <summary>A batch of one INT64 column.</summary>
    public static ExecuteScriptResponse Int64Batch(string tableId, bool eos, params long[] values)
    {
        var column = new Int64Column();
        column.Data.Add(values);
        var batch = new RowBatchData { TableId = tableId, NumRows = values.Length, Eow = eos, Eos = eos };
        batch.Cols.Add(new Column { Int64Data = column });
        return new ExecuteScriptResponse { QueryId = "q1", Data = new QueryData { Batch = batch } };
    }

    public static ExecuteScriptResponse StatusResponse(int code, string message) =>
        new() { QueryId = "q1", Status = new Status { Code = code, Message = message } };

    public static ExecuteScriptResponse Stats(long records) =>
        new() { QueryId = "q1", Data = new QueryData { ExecutionStats = new QueryExecutionStats { RecordsProcessed = records, Timing = new QueryTimingInfo() } } };

    private async Task RunAsync(ExecuteScriptRequest request, IRpcStreamWriter<ExecuteScriptResponse> responses, RpcCallContext ctx)
    {
        lock (LastHeaders)
        {
            foreach (var (name, value) in ctx.RequestHeaders)
            {
                LastHeaders[name] = value.ToString();
            }
        }

        try
        {
            await Handler(request, responses, ctx);
            CallEnded.TrySetResult(false);
        }
        catch (Exception) when (ctx.CancellationToken.IsCancellationRequested)
        {
            CallEnded.TrySetResult(true);
            throw;
        }
    }
}
