using System.Buffers;
using System.Security.Cryptography;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.VizierApi;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.QueryBroker;

/// <summary>Folds <c>ExecuteScriptResponse</c> messages into a <see cref="ClientQueryResult"/>.</summary>
/// <remarks>Encrypted batches (Pixie's end-to-end mode) need the private key that matches the request's JWK.</remarks>
public sealed class ResultAssembler(string? script = null, RSA? decryptionKey = null)
{
    private readonly List<ClientTable> _tables = [];
    private readonly Dictionary<string, ClientTable> _byId = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private QueryStats? _stats;
    private string _queryId = string.Empty;

    /// <summary>Adds one response; throws for an error status or a batch of an unknown table.</summary>
    public void Add(ExecuteScriptResponse response)
    {
        if (_queryId.Length == 0)
        {
            _queryId = response.QueryId;
        }

        if (response.Status is { Code: not 0 } status)
        {
            throw ToException(status);
        }

        if (response.Status is { Code: 0, Message.Length: > 0 } warning)
        {
            // An OK status with a message is a warning (e.g. an agent failed mid-query); Pixie's clients skip code 0.
            _warnings.Add(warning.Message);
        }

        switch (response.ResultCase)
        {
            case ExecuteScriptResponse.ResultOneofCase.MetaData:
                var md = response.MetaData;
                var table = new ClientTable(md.Id, RowBatchWireFormat.FromRelation(md.Name, md.Relation ?? new Relation()));
                _tables.Add(table);
                _byId[md.Id] = table;
                break;
            case ExecuteScriptResponse.ResultOneofCase.Data when response.Data.Batch is { } batch:
                if (!_byId.TryGetValue(batch.TableId, out var target))
                {
                    throw new RpcException(StatusCode.Internal, $"Batch for table id '{batch.TableId}' arrived before its metadata.");
                }

                target.Add(RowBatchWireFormat.FromRowBatchData(target.Relation, batch), batch.Eos);
                break;
            case ExecuteScriptResponse.ResultOneofCase.Data when !response.Data.EncryptedBatch.IsEmpty:
                var key = decryptionKey ?? throw new RpcException(StatusCode.FailedPrecondition, "The server sent an encrypted batch but no decryption key was given.");
                var plain = RowBatchData.Parser.ParseFrom(BatchEncryption.Decrypt(key, response.Data.EncryptedBatch.Span));
                Add(new ExecuteScriptResponse { QueryId = response.QueryId, Data = new QueryData { Batch = plain } });
                break;
            case ExecuteScriptResponse.ResultOneofCase.Data when response.Data.ExecutionStats is { } s:
                _stats = new QueryStats(s.Timing?.CompilationTimeNs ?? 0, s.Timing?.ExecutionTimeNs ?? 0, s.BytesProcessed, s.RecordsProcessed);
                break;
        }
    }

    /// <summary>
    /// Adds one response given as protobuf bytes: row batches are decoded straight into columns
    /// (<see cref="RowBatchDecoder"/>), everything else goes through the generated parser.
    /// </summary>
    public void AddSerialized(ReadOnlySequence<byte> message)
    {
        byte[]? rented = null;
        var span = message.IsSingleSegment ? message.FirstSpan : CopyToRented(message, out rented);
        try
        {
            if (!RowBatchDecoder.TryDecodeBatchResponse(span, out var decoded))
            {
                Add(ExecuteScriptResponse.Parser.ParseFrom(span));
                return;
            }

            if (!_byId.TryGetValue(decoded.TableId, out var target))
            {
                throw new RpcException(StatusCode.Internal, $"Batch for table id '{decoded.TableId}' arrived before its metadata.");
            }

            target.Add(decoded.ToRowBatch(target.Relation), decoded.Eos);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public ClientQueryResult Build() => new(_queryId, _tables, _stats) { Warnings = _warnings };

    private static ReadOnlySpan<byte> CopyToRented(ReadOnlySequence<byte> message, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent(checked((int)message.Length));
        message.CopyTo(rented);
        return rented.AsSpan(0, (int)message.Length);
    }

    private Exception ToException(Status status)
    {
        foreach (var detail in status.ErrorDetails)
        {
            if (detail.CompilerError is { } ce)
            {
                var line = (int)ce.Line;
                return new PxlCompileException(ce.Message, line, (int)ce.Column, SourceLine(line));
            }
        }

        return new RpcException((StatusCode)status.Code, status.Message);
    }

    private string? SourceLine(int line)
    {
        if (script is null || line < 1)
        {
            return null;
        }

        var lines = script.Split('\n');
        return line <= lines.Length ? lines[line - 1].TrimEnd('\r') : null;
    }
}
