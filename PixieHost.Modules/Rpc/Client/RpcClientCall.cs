using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Google.Protobuf;

namespace PixieHost.Modules.Rpc.Client;

/// <summary>
/// One call in flight: owns the deadline, the HTTP response and its body reader; turns HTTP/2 outcomes
/// (status code, trailers-only headers, trailers, resets, socket errors) into messages or an <see cref="RpcException"/>.
/// Disposing it before the end resets the stream (RST_STREAM CANCEL), which cancels the server handler.
/// </summary>
internal sealed class RpcClientCall<TResponse> : IAsyncDisposable
    where TResponse : class, IMessage<TResponse>
{
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource _cts;
    private readonly MessageParser<TResponse> _parser;
    private readonly int _maxMessageSize;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private SequencePosition? _pendingEnd;

    public RpcClientCall(MessageParser<TResponse> parser, int maxMessageSize, TimeSpan? timeout, CancellationToken userToken)
    {
        _parser = parser;
        _maxMessageSize = maxMessageSize;
        _userToken = userToken;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(userToken);
        // Timers take at most int.MaxValue ms (~24.8 days): longer deadlines are left to the server.
        if (timeout is { } t && t < TimeSpan.FromMilliseconds(int.MaxValue))
        {
            _cts.CancelAfter(t);
        }
    }

    public CancellationToken Token => _cts.Token;

    public async Task StartAsync(HttpClient client, HttpRequestMessage request)
    {
        try
        {
            _response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e);
        }

        if (_response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(FromHttpStatus(_response.StatusCode), $"HTTP status {(int)_response.StatusCode} from the server.");
        }

        if (TryReadStatus(_response.Headers, out var status, out var detail))
        {
            // Trailers-only: the call is over and carried no message.
            if (status != StatusCode.OK)
            {
                throw new RpcException(status, detail);
            }

            return;
        }

        if (!GrpcProtocol.IsGrpcContentType(_response.Content.Headers.ContentType?.ToString()))
        {
            throw new RpcException(StatusCode.Unknown, $"Response content type '{_response.Content.Headers.ContentType}' is not gRPC.");
        }

        var stream = await _response.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false);
        // 64 KiB reads: gRPC messages are often tens of KiB (row batches); the 4 KiB default costs many small reads.
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
    }

    /// <summary>The next message, or null once the call ended with OK; throws <see cref="RpcException"/> otherwise.</summary>
    public async ValueTask<TResponse?> ReadNextAsync()
    {
        if (await ReadNextPayloadAsync().ConfigureAwait(false) is not { } payload)
        {
            return null;
        }

        try
        {
            return _parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(StatusCode.Internal, $"Could not parse {typeof(TResponse).Name}: {e.Message}");
        }
        finally
        {
            ReleasePending();
        }
    }

    /// <summary>
    /// The next message's bytes, valid until the next read or dispose; null once the call ended with OK.
    /// </summary>
    public async ValueTask<ReadOnlySequence<byte>?> ReadNextPayloadAsync()
    {
        ReleasePending();
        if (_reader is null)
        {
            return null;
        }

        (ReadOnlySequence<byte> Payload, SequencePosition End)? next;
        try
        {
            next = await GrpcMessageReader.ReadPayloadAsync(_reader, _maxMessageSize, _cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e);
        }

        if (next is { } n)
        {
            _pendingEnd = n.End;
            return n.Payload;
        }

        await _reader.CompleteAsync().ConfigureAwait(false);
        _reader = null;
        if (!TryReadStatus(_response!.TrailingHeaders, out var status, out var detail))
        {
            throw new RpcException(StatusCode.Internal, "The response ended without a grpc-status trailer.");
        }

        return status == StatusCode.OK ? null : throw new RpcException(status, detail);
    }

    /// <summary>Exactly one message then OK (unary and client-streaming responses).</summary>
    public async Task<TResponse> ReadSingleAsync()
    {
        var message = await ReadNextAsync().ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "The server ended the call without a response message.");
        if (await ReadNextAsync().ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The server sent more than one response message.");
        }

        return message;
    }

    public async ValueTask DisposeAsync()
    {
        _pendingEnd = null;
        if (_reader is not null)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        _response?.Dispose();
        _cts.Dispose();
    }

    private void ReleasePending()
    {
        if (_pendingEnd is { } end && _reader is not null)
        {
            _reader.AdvanceTo(end);
        }

        _pendingEnd = null;
    }

    private RpcException Map(Exception e)
    {
        if (e is OperationCanceledException || _cts.IsCancellationRequested)
        {
            return _userToken.IsCancellationRequested
                ? new RpcException(StatusCode.Cancelled, "The call was cancelled by the client.", e)
                : new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded.", e);
        }

        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                return protocol.ErrorCode switch
                {
                    0x7 => new RpcException(StatusCode.Unavailable, "The server refused the stream.", e),
                    0x8 => new RpcException(StatusCode.Cancelled, "The server cancelled the stream.", e),
                    0xb => new RpcException(StatusCode.ResourceExhausted, "The server reported ENHANCE_YOUR_CALM.", e),
                    _ => new RpcException(StatusCode.Internal, $"HTTP/2 error 0x{protocol.ErrorCode:x}: {protocol.Message}", e),
                };
            }

            if (inner is SocketException or IOException)
            {
                return new RpcException(StatusCode.Unavailable, inner.Message, e);
            }
        }

        return e is HttpRequestException
            ? new RpcException(StatusCode.Unavailable, e.Message, e)
            : new RpcException(StatusCode.Internal, $"{e.GetType().Name}: {e.Message}", e);
    }

    private static bool TryReadStatus(HttpHeaders headers, out StatusCode status, out string detail)
    {
        status = StatusCode.Unknown;
        detail = string.Empty;
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var values))
        {
            return false;
        }

        status = int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? (StatusCode)code
            : StatusCode.Unknown;
        if (headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages))
        {
            detail = GrpcStatusMessage.Decode(messages.FirstOrDefault());
        }

        return true;
    }

    /// <summary>The gRPC spec's mapping of HTTP status codes for responses without grpc-status.</summary>
    private static StatusCode FromHttpStatus(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
