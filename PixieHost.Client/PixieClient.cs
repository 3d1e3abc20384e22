using System.Runtime.CompilerServices;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Client;

/// <summary>
/// A client of Pixie's query API (<c>px.api.vizierpb.VizierService</c>, what <c>pixie serve</c> listens on at
/// <c>127.0.0.1:50300</c> by default): runs PxL scripts and functions and streams or collects their typed result
/// tables. Thread-safe; keep one per server and dispose it at the end.
/// </summary>
/// <remarks>
/// Failures are exceptions: <see cref="PxlScriptException"/> for a script that does not compile,
/// <see cref="PixieException"/> (with the gRPC <see cref="StatusCode"/>) for anything else, and
/// <see cref="OperationCanceledException"/> when the caller's token cancelled the call (the server's side of the call
/// is cancelled too).
/// </remarks>
public sealed class PixieClient : IDisposable
{
    private readonly RpcChannel _channel;
    private readonly HttpClient _http;
    private readonly PixieClientOptions _options;
    private readonly RpcCallOptions _callOptions;

    /// <summary>
    /// A client for the query API at <paramref name="address"/>: <c>host:port</c> (e.g. <c>127.0.0.1:50300</c>),
    /// <c>http://host:port</c> (cleartext HTTP/2) or <c>https://host:port</c> (TLS). Without a port, 50300. Nothing is sent
    /// until the first call.
    /// </summary>
    public PixieClient(string address, PixieClientOptions? options = null)
    {
        _options = options ?? new PixieClientOptions();
        Address = PixieAddress.Parse(address, _options.UseTls);
        var handler = RpcChannel.CreateHandler();
        if (_options.ServerCertificateValidation is { } validate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validate;
        }

        _http = new HttpClient(handler, disposeHandler: true);
        _channel = new RpcChannel(_http, Address, new RpcChannelOptions { MaxReceiveMessageSize = _options.MaxReceiveMessageSize });
        _callOptions = new RpcCallOptions { Timeout = _options.Timeout, Headers = PixieAddress.Headers(_options) };
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:50300/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Runs <paramref name="script"/> with optional <paramref name="args"/> and collects every table.</summary>
    public Task<QueryResult> RunScriptAsync(string script, IReadOnlyDictionary<string, string>? args = null, CancellationToken cancellationToken = default) =>
        RunAsync(new ScriptRequest(script) { Args = args }, cancellationToken);

    /// <summary>
    /// Calls function <paramref name="funcName"/> of <paramref name="script"/> with <paramref name="args"/> (one
    /// <c>exec_funcs</c> entry) and collects its output, named <paramref name="outputPrefix"/> (default: the function's name).
    /// </summary>
    public Task<QueryResult> RunFunctionAsync(
        string script, string funcName, IReadOnlyDictionary<string, string> args, string? outputPrefix = null, CancellationToken cancellationToken = default) =>
        RunAsync(new ScriptRequest(script) { Functions = [new FunctionCall(funcName, args, outputPrefix)] }, cancellationToken);

    /// <summary>Runs <paramref name="request"/> and collects every table, the stats and the warnings.</summary>
    public async Task<QueryResult> RunAsync(ScriptRequest request, CancellationToken cancellationToken = default)
    {
        var builder = new QueryResultBuilder();
        var queryId = string.Empty;
        await foreach (var e in StreamCoreAsync(request, id => queryId = id, cancellationToken).ConfigureAwait(false))
        {
            builder.Add(e);
        }

        return builder.Build(queryId);
    }

    /// <summary>
    /// Streams the result as it arrives: table metadata, batches, warnings, then the stats. Stopping the enumeration
    /// early (or cancelling) cancels the query on the server.
    /// </summary>
    public IAsyncEnumerable<ResultEvent> StreamAsync(ScriptRequest request, CancellationToken cancellationToken = default) =>
        StreamCoreAsync(request, null, cancellationToken);

    /// <summary>
    /// Streams the rows of table <paramref name="tableName"/> (every table when null) as batches arrive. Throws
    /// <see cref="PixieException"/> (NOT_FOUND) at the end when the script produced no such table.
    /// </summary>
    public async IAsyncEnumerable<ResultRow> StreamRowsAsync(
        ScriptRequest request, string? tableName = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new List<string>();
        await foreach (var e in StreamCoreAsync(request, null, cancellationToken).ConfigureAwait(false))
        {
            if (e is TableMetadataEvent m)
            {
                seen.Add(m.Table.Name);
            }
            else if (e is BatchEvent { Batch: var batch } && (tableName is null || batch.Table.Name == tableName))
            {
                for (var r = 0; r < batch.RowCount; r++)
                {
                    yield return new ResultRow(batch, r);
                }
            }
        }

        if (tableName is not null && !seen.Contains(tableName))
        {
            throw new PixieException(StatusCode.NotFound, $"The script produced no table '{tableName}'. Its tables: {string.Join(", ", seen)}.");
        }
    }

    /// <summary>
    /// True when the server reports itself healthy (its first <c>HealthCheck</c> message is OK), false when it reports a
    /// problem; throws <see cref="PixieException"/> when it cannot be reached.
    /// </summary>
    public async Task<bool> HealthCheckAsync(CancellationToken cancellationToken = default)
    {
        var request = new HealthCheckRequest { ClusterId = _options.ClusterId ?? string.Empty };
        var responses = _channel.ServerStreamingAsync(VizierServiceMethods.HealthCheck, request, _callOptions, cancellationToken);
        await using var e = responses.GetAsyncEnumerator(cancellationToken);
        try
        {
            // The server streams a status now and then until the client hangs up: the first one answers.
            return await e.MoveNextAsync().ConfigureAwait(false) && (e.Current.Status is null || e.Current.Status.Code == 0);
        }
        catch (RpcException ex)
        {
            throw Translate(ex, cancellationToken);
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
        _http.Dispose();
    }

    private async IAsyncEnumerable<ResultEvent> StreamCoreAsync(
        ScriptRequest request, Action<string>? onQueryId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var decoder = new ResponseDecoder(request.Script);
        var events = new List<ResultEvent>(2);
        var responses = _channel.ServerStreamingAsync(VizierServiceMethods.ExecuteScript, ToRequest(request), _callOptions, cancellationToken);
        await using var e = responses.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (RpcException ex)
            {
                throw Translate(ex, cancellationToken);
            }

            events.Clear();
            decoder.Decode(e.Current, events);
            onQueryId?.Invoke(decoder.QueryId);
            foreach (var ev in events)
            {
                yield return ev;
            }
        }
    }

    private ExecuteScriptRequest ToRequest(ScriptRequest request)
    {
        var pb = new ExecuteScriptRequest
        {
            QueryStr = request.Script,
            QueryName = request.QueryName ?? string.Empty,
            QueryId = request.QueryId ?? string.Empty,
            ClusterId = _options.ClusterId ?? string.Empty,
        };
        if (request.Args is { Count: > 0 } args)
        {
            // Script-wide arguments travel as the arg_values of an entry without func_name, as Pixie's CLI sends them.
            pb.ExecFuncs.Add(ToFunc(string.Empty, args, null));
        }

        foreach (var call in request.Functions)
        {
            pb.ExecFuncs.Add(ToFunc(call.Name, call.Args, call.OutputPrefix));
        }

        return pb;
    }

    private static ExecuteScriptRequest.Types.FuncToExecute ToFunc(string name, IReadOnlyDictionary<string, string> args, string? outputPrefix)
    {
        var func = new ExecuteScriptRequest.Types.FuncToExecute { FuncName = name, OutputTablePrefix = outputPrefix ?? string.Empty };
        foreach (var (argName, value) in args)
        {
            func.ArgValues.Add(new ExecuteScriptRequest.Types.FuncToExecute.Types.ArgValue { Name = argName, Value = value });
        }

        return func;
    }

    private Exception Translate(RpcException e, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The query was cancelled by the caller.", e, cancellationToken);
        }

        return e.Status switch
        {
            StatusCode.Unavailable => new PixieException(e.Status,
                $"Cannot reach a Pixie query API at {Address} ({e.Detail}). Is `pixie serve` running there?", e),
            StatusCode.DeadlineExceeded => new PixieException(e.Status,
                $"The query did not finish within the client's timeout of {_options.Timeout}.", e),
            StatusCode.Unauthenticated or StatusCode.PermissionDenied => new PixieException(e.Status,
                $"{e.Status}: {e.Detail} (check PixieClientOptions.BearerToken / ApiKey).", e),
            _ => new PixieException(e.Status, e.Message, e),
        };
    }
}
