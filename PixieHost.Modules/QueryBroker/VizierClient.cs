using System.Security.Cryptography;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// Client of the public query API (<c>px.api.vizierpb.VizierService</c>): raw response streams, or whole results
/// assembled into typed tables.
/// </summary>
public sealed class VizierClient : IDisposable
{
    private readonly RpcChannel _channel;
    private readonly bool _ownsChannel;

    /// <summary>A client with its own channel to <paramref name="address"/>, e.g. <c>http://127.0.0.1:50300</c>.</summary>
    public VizierClient(Uri address, RpcChannelOptions? options = null)
        : this(new RpcChannel(address, options))
    {
        _ownsChannel = true;
    }

    /// <summary>A client over a shared channel (not disposed with the client).</summary>
    public VizierClient(RpcChannel channel) => _channel = channel;

    /// <summary>The response stream exactly as the server sends it.</summary>
    public IAsyncEnumerable<ExecuteScriptResponse> ExecuteScriptAsync(
        ExecuteScriptRequest request, RpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        _channel.ServerStreamingAsync(VizierServiceMethods.ExecuteScript, request, options, cancellationToken);

    /// <summary>
    /// Runs <paramref name="script"/> and assembles the result. Throws <see cref="PxlCompileException"/> (with the
    /// offending source line) for a compile error, <see cref="RpcException"/> for any other failure.
    /// </summary>
    public Task<ClientQueryResult> RunScriptAsync(
        string script, IReadOnlyDictionary<string, string>? args = null, string? queryName = null, RpcCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        return CollectSerializedAsync(CreateRequest(script, args, queryName), script, options, null, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="request"/> and assembles the result (row batches decoded without protobuf objects).
    /// For end-to-end encryption set <c>request.EncryptionOptions</c> (<see cref="CreateEncryptionOptions"/>) and pass the
    /// matching private key as <paramref name="decryptionKey"/>.
    /// </summary>
    public async Task<ClientQueryResult> RunAsync(
        ExecuteScriptRequest request, RpcCallOptions? options = null, RSA? decryptionKey = null, CancellationToken cancellationToken = default) =>
        await CollectSerializedAsync(request, request.QueryStr, options, decryptionKey, cancellationToken).ConfigureAwait(false);

    /// <summary>Encryption options as Pixie's CLI sends them: the public half of <paramref name="key"/> as a JWK, RSA-OAEP-256, A256GCM, DEF.</summary>
    public static ExecuteScriptRequest.Types.EncryptionOptions CreateEncryptionOptions(RSA key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        var jwk = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["n"] = System.Buffers.Text.Base64Url.EncodeToString(p.Modulus),
            ["e"] = System.Buffers.Text.Base64Url.EncodeToString(p.Exponent),
        });
        return new ExecuteScriptRequest.Types.EncryptionOptions { JwkKey = jwk, KeyAlg = "RSA-OAEP-256", ContentAlg = "A256GCM", CompressionAlg = "DEF" };
    }

    /// <summary>True when the server's first health message says OK.</summary>
    public async Task<bool> HealthCheckAsync(RpcCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        await foreach (var response in _channel.ServerStreamingAsync(VizierServiceMethods.HealthCheck, new HealthCheckRequest(), options, cancellationToken))
        {
            // Stop after the first message: the server keeps streaming until the client hangs up.
            return response.Status is null || response.Status.Code == (int)StatusCode.OK;
        }

        return false;
    }

    /// <summary>
    /// A request for <paramref name="script"/>. Arguments travel as the <c>arg_values</c> of one <c>exec_funcs</c>
    /// entry; the server merges the arguments of all entries by name.
    /// </summary>
    public static ExecuteScriptRequest CreateRequest(string script, IReadOnlyDictionary<string, string>? args = null, string? queryName = null)
    {
        var request = new ExecuteScriptRequest { QueryStr = script, QueryName = queryName ?? string.Empty };
        if (args is { Count: > 0 })
        {
            var func = new ExecuteScriptRequest.Types.FuncToExecute();
            foreach (var (name, value) in args)
            {
                func.ArgValues.Add(new ExecuteScriptRequest.Types.FuncToExecute.Types.ArgValue { Name = name, Value = value });
            }

            request.ExecFuncs.Add(func);
        }

        return request;
    }

    /// <summary>Assembles a response stream into tables; <paramref name="script"/> (optional) supplies source lines for compile errors.</summary>
    public static async Task<ClientQueryResult> CollectAsync(
        IAsyncEnumerable<ExecuteScriptResponse> responses, string? script = null, CancellationToken cancellationToken = default)
    {
        var assembler = new ResultAssembler(script);
        await foreach (var response in responses.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            assembler.Add(response);
        }

        return assembler.Build();
    }

    private async Task<ClientQueryResult> CollectSerializedAsync(
        ExecuteScriptRequest request, string script, RpcCallOptions? options, RSA? decryptionKey, CancellationToken cancellationToken)
    {
        var assembler = new ResultAssembler(script, decryptionKey);
        await foreach (var message in _channel.ServerStreamingSerializedAsync(VizierServiceMethods.ExecuteScript, request, options, cancellationToken).ConfigureAwait(false))
        {
            assembler.AddSerialized(message);
        }

        return assembler.Build();
    }

    public void Dispose()
    {
        if (_ownsChannel)
        {
            _channel.Dispose();
        }
    }
}
