using System.Buffers;
using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Server;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// Pixie's public query API. <c>ExecuteScript</c> runs a script through <see cref="IQueryExecutor"/> and streams, as
/// Pixie does: one <c>meta_data</c> per output table, then the tables' <c>data.batch</c> messages (the last one of each
/// table with <c>eow</c> and <c>eos</c>), then <c>data.execution_stats</c>. Script errors travel in-band in
/// <c>status</c> (compile errors: code 3 with a <c>compiler_error</c>); the gRPC status stays OK. With
/// <c>encryption_options</c> every batch travels as a JWE in <c>data.encrypted_batch</c> (see <see cref="BatchEncryption"/>).
/// <c>exec_funcs</c> entries with a <c>func_name</c> call that function and display its result (see <see cref="ToQueryRequest"/>).
/// Not supported yet: <c>mutation</c> (tracepoint deployment; the flag is ignored), <c>configs</c>, <c>GenerateOTelScript</c> (UNIMPLEMENTED).
/// </summary>
public sealed partial class VizierService(IQueryExecutor executor, IOptions<VizierApiOptions> options, ILogger<VizierService> logger)
{
    private readonly VizierApiOptions _options = options.Value;

    public async Task ExecuteScript(Pb.ExecuteScriptRequest request, IRpcStreamWriter<Pb.ExecuteScriptResponse> responses, RpcCallContext context)
    {
        var queryId = string.IsNullOrEmpty(request.QueryId) ? Guid.NewGuid().ToString() : request.QueryId;
        if (string.IsNullOrWhiteSpace(request.QueryStr))
        {
            throw new RpcException(StatusCode.InvalidArgument, "query_str is empty: send the PxL script to run.");
        }

        BatchEncryption? encryption = null;
        if (request.EncryptionOptions is { } encryptionOptions && !BatchEncryption.TryCreate(encryptionOptions, out encryption, out var encryptionError))
        {
            throw new RpcException(StatusCode.InvalidArgument, encryptionError);
        }

        using var disposeEncryption = encryption;

        if (executor is IStreamingQueryExecutor streaming && encryption is null)
        {
            await StreamScriptAsync(streaming, ToQueryRequest(request) with { QueryId = queryId }, queryId, responses, context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        QueryResult result;
        try
        {
            result = await executor.ExecuteAsync(ToQueryRequest(request) with { QueryId = queryId }, context.CancellationToken);
        }
        catch (PxlCompileException e)
        {
            LogCompileError(logger, queryId, e.Line, e.Column, e.Message);
            await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Status = CompileErrorStatus(e) });
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException and not RpcException)
        {
            LogExecutionFailed(logger, queryId, e);
            var status = new Pb.Status { Code = (int)StatusCode.Internal, Message = $"Script execution failed: {e.Message}" };
            await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Status = status });
            return;
        }

        var ids = new string[result.Tables.Count];
        for (var t = 0; t < ids.Length; t++)
        {
            var table = result.Tables[t];
            ids[t] = Guid.NewGuid().ToString();
            var metadata = new Pb.QueryMetadata { Name = table.Name, Id = ids[t], Relation = RowBatchWireFormat.ToRelation(table.Relation) };
            await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, MetaData = metadata });
        }

        for (var t = 0; t < ids.Length; t++)
        {
            await WriteTableAsync(result.Tables[t], ids[t], queryId, responses, encryption);
        }

        foreach (var warning in result.Warnings)
        {
            LogWarning(logger, queryId, warning);
            await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Status = new Pb.Status { Code = (int)StatusCode.OK, Message = warning } });
        }

        await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Data = new Pb.QueryData { ExecutionStats = ToStats(result.Stats, started) } });
    }

    /// <summary>Streams an OK status now and then every <see cref="VizierApiOptions.HealthCheckInterval"/> until the client hangs up.</summary>
    public async Task HealthCheck(Pb.HealthCheckRequest request, IRpcStreamWriter<Pb.HealthCheckResponse> responses, RpcCallContext context)
    {
        while (true)
        {
            await responses.WriteAsync(new Pb.HealthCheckResponse { Status = new Pb.Status { Code = (int)StatusCode.OK } });
            await Task.Delay(_options.HealthCheckInterval, context.CancellationToken);
        }
    }

    public Task<Pb.GenerateOTelScriptResponse> GenerateOTelScript(Pb.GenerateOTelScriptRequest request, RpcCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "GenerateOTelScript is not implemented yet.");

    private async Task WriteTableAsync(
        ResultTable table, string tableId, string queryId, IRpcStreamWriter<Pb.ExecuteScriptResponse> responses, BatchEncryption? encryption)
    {
        if (encryption is not null)
        {
            await WriteEncryptedTableAsync(table, tableId, queryId, responses, encryption);
            return;
        }

        var lastBatch = LastNonEmpty(table.Batches);
        if (lastBatch < 0)
        {
            // Pixie closes an empty table with one empty batch that carries eos.
            var empty = EmptyBatch(table, tableId);
            await responses.WriteAsync(new Pb.ExecuteScriptResponse { QueryId = queryId, Data = new Pb.QueryData { Batch = empty } });
            return;
        }

        // Encoded straight from the columns (RowBatchEncoder): about 5x faster than building protobuf objects per value.
        var buffer = new ArrayBufferWriter<byte>(_options.MaxBatchBytes + (_options.MaxBatchBytes / 4));
        for (var b = 0; b <= lastBatch; b++)
        {
            if (table.Batches[b].RowCount > 0)
            {
                await BatchMessages.WriteAsync(responses, buffer, queryId, tableId, table.Batches[b], eos: b == lastBatch, _options.MaxBatchBytes, _options.MaxRowsPerBatch);
            }
        }
    }

    /// <summary>Pixie's end-to-end mode: each serialized RowBatchData travels as a JWE in <c>data.encrypted_batch</c>.</summary>
    private async Task WriteEncryptedTableAsync(
        ResultTable table, string tableId, string queryId, IRpcStreamWriter<Pb.ExecuteScriptResponse> responses, BatchEncryption encryption)
    {
        foreach (var data in Chunks(table, tableId))
        {
            var jwe = encryption.Encrypt(data.ToByteArray());
            var response = new Pb.ExecuteScriptResponse { QueryId = queryId, Data = new Pb.QueryData { EncryptedBatch = ByteString.CopyFrom(jwe) } };
            await responses.WriteAsync(response);
        }
    }

    /// <summary>The table's RowBatchData messages as the plain path sends them (an empty table: one empty eos batch).</summary>
    private IEnumerable<Pb.RowBatchData> Chunks(ResultTable table, string tableId)
    {
        var lastBatch = LastNonEmpty(table.Batches);
        if (lastBatch < 0)
        {
            yield return EmptyBatch(table, tableId);
            yield break;
        }

        for (var b = 0; b <= lastBatch; b++)
        {
            var batch = table.Batches[b];
            var chunk = RowsPerMessage(batch);
            for (var start = 0; start < batch.RowCount; start += chunk)
            {
                var count = Math.Min(chunk, batch.RowCount - start);
                var last = b == lastBatch && start + count == batch.RowCount;
                yield return RowBatchWireFormat.ToRowBatchData(batch, start, count, tableId, eow: last, eos: last);
            }
        }
    }

    private static Pb.RowBatchData EmptyBatch(ResultTable table, string tableId)
    {
        var empty = new Pb.RowBatchData { TableId = tableId, NumRows = 0, Eow = true, Eos = true };
        foreach (var c in table.Relation.Columns)
        {
            empty.Cols.Add(RowBatchWireFormat.ToColumn(ColumnBuilder.For(c.Type, 0).Build(), 0, 0));
        }

        return empty;
    }

    private int RowsPerMessage(RowBatch batch) => RowBatchEncoder.RowsPerMessage(batch, _options.MaxBatchBytes, _options.MaxRowsPerBatch);

    private static int LastNonEmpty(IReadOnlyList<RowBatch> batches)
    {
        for (var i = batches.Count - 1; i >= 0; i--)
        {
            if (batches[i].RowCount > 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Script arguments: the <c>arg_values</c> of every <c>exec_funcs</c> entry, merged by name. Entries that name a
    /// <c>func_name</c> are also calls: that function runs with its own arguments and its result is displayed as
    /// <c>output_table_prefix</c> (or the function's name), as Pixie's UI runs a vis.json's widgets.
    /// </summary>
    internal static QueryRequest ToQueryRequest(Pb.ExecuteScriptRequest request)
    {
        Dictionary<string, string>? args = null;
        List<ExecFunc>? calls = null;
        foreach (var func in request.ExecFuncs)
        {
            var own = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var arg in func.ArgValues)
            {
                (args ??= new Dictionary<string, string>(StringComparer.Ordinal))[arg.Name] = arg.Value;
                own[arg.Name] = arg.Value;
            }

            if (!string.IsNullOrEmpty(func.FuncName))
            {
                (calls ??= []).Add(new ExecFunc(func.FuncName, own, func.OutputTablePrefix));
            }
        }

        return new QueryRequest(request.QueryStr, args, string.IsNullOrEmpty(request.QueryName) ? null : request.QueryName) { ExecFuncs = calls };
    }

    internal static Pb.Status CompileErrorStatus(PxlCompileException e)
    {
        var status = new Pb.Status { Code = (int)StatusCode.InvalidArgument, Message = e.Message };
        status.ErrorDetails.Add(new Pb.ErrorDetails
        {
            CompilerError = new Pb.CompilerError { Line = (ulong)Math.Max(0, e.Line), Column = (ulong)Math.Max(0, e.Column), Message = e.Message },
        });
        return status;
    }

    private static Pb.QueryExecutionStats ToStats(QueryStats stats, long started)
    {
        var executionNs = stats.ExecutionTimeNs > 0 ? stats.ExecutionTimeNs : (long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1_000_000);
        return new Pb.QueryExecutionStats
        {
            Timing = new Pb.QueryTimingInfo { ExecutionTimeNs = executionNs, CompilationTimeNs = stats.CompilationTimeNs },
            BytesProcessed = stats.BytesProcessed,
            RecordsProcessed = stats.RecordsProcessed,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Query {QueryId}: compile error at line {Line}, col {Column}: {Message}")]
    private static partial void LogCompileError(ILogger logger, string queryId, int line, int column, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryId}: {Warning}")]
    private static partial void LogWarning(ILogger logger, string queryId, string warning);

    [LoggerMessage(Level = LogLevel.Error, Message = "Query {QueryId}: execution failed")]
    private static partial void LogExecutionFailed(ILogger logger, string queryId, Exception exception);
}
