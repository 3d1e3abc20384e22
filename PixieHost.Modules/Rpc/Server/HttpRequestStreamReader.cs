using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace PixieHost.Modules.Rpc.Server;

/// <summary>The request messages of a client-streaming or duplex call, in arrival order.</summary>
internal static class HttpRequestStreamReader
{
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        RpcCallContext context, MessageParser<T> parser, int maxMessageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class, IMessage<T>
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken;
        var reader = context.HttpContext.Request.BodyReader;
        while (await GrpcMessageReader.ReadAsync(reader, parser, maxMessageSize, token).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }
}
