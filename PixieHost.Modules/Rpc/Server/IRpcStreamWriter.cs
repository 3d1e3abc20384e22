namespace PixieHost.Modules.Rpc.Server;

/// <summary>Writes response messages of a server-streaming or duplex call. Not thread-safe: one write at a time.</summary>
public interface IRpcStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
