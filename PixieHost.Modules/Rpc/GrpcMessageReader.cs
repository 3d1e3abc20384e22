using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace PixieHost.Modules.Rpc;

/// <summary>Reads length-prefixed messages from a body pipe (server request bodies and client response bodies).</summary>
#if PIXIE_CLIENT_SDK
internal static class GrpcMessageReader
#else
public static class GrpcMessageReader
#endif
{
    /// <summary>
    /// The next message, or null at a clean end of stream. Throws <see cref="RpcException"/> for a compressed
    /// message (no compression is negotiated), a message over <paramref name="maxMessageSize"/>, or a stream that ends
    /// inside a message.
    /// </summary>
    public static async ValueTask<T?> ReadAsync<T>(PipeReader reader, MessageParser<T> parser, int maxMessageSize, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var payload = await ReadPayloadAsync(reader, maxMessageSize, cancellationToken).ConfigureAwait(false);
        if (payload is not { } p)
        {
            return null;
        }

        try
        {
            return parser.ParseFrom(p.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(StatusCode.Internal, $"Could not parse {typeof(T).Name}: {e.Message}");
        }
        finally
        {
            reader.AdvanceTo(p.End);
        }
    }

    /// <summary>
    /// The next message's bytes, still owned by <paramref name="reader"/>: the caller must call
    /// <c>reader.AdvanceTo(End)</c> once done with them. Null at a clean end of stream; throws as <see cref="ReadAsync{T}"/>.
    /// </summary>
    public static async ValueTask<(ReadOnlySequence<byte> Payload, SequencePosition End)?> ReadPayloadAsync(
        PipeReader reader, int maxMessageSize, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (GrpcFraming.TryReadHeader(buffer, out var compressed, out var length))
            {
                if (compressed)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(StatusCode.Internal, "Compressed message received but no grpc-encoding was negotiated.");
                }

                if (length > maxMessageSize)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize}).");
                }

                if (GrpcFraming.TryReadMessage(buffer, out var payload, out var end))
                {
                    return (payload, end);
                }
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var leftover = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (leftover == 0)
                {
                    return null;
                }

                throw new RpcException(StatusCode.Internal, $"Stream ended inside a message ({leftover} bytes left).");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
