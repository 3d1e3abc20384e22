namespace PixieHost.Modules.Rpc.Server;

/// <summary>Writes response messages of a server-streaming or duplex call. Not thread-safe: one write at a time.</summary>
public interface IRpcStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one message that the caller already encoded in protobuf wire form (a hand-written encoder for a hot path);
    /// the bytes are copied before the method returns, so the caller may reuse its buffer.
    /// </summary>
    Task WriteSerializedAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);
}
