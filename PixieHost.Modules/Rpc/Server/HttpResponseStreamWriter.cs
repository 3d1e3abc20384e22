using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace PixieHost.Modules.Rpc.Server;

/// <summary>Frames each message into the Kestrel response pipe and flushes it, so the client sees it at once.</summary>
internal sealed class HttpResponseStreamWriter<T>(RpcCallContext context) : IRpcStreamWriter<T>
    where T : IMessage<T>
{
    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken;
        token.ThrowIfCancellationRequested();
        GrpcFraming.WriteMessage(context.HttpContext.Response.BodyWriter, message);
        return FlushAsync(token);
    }

    public Task WriteSerializedAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken;
        token.ThrowIfCancellationRequested();
        GrpcFraming.WriteSerialized(context.HttpContext.Response.BodyWriter, message.Span);
        return FlushAsync(token);
    }

    private async Task FlushAsync(CancellationToken token)
    {
        var body = context.HttpContext.Response.BodyWriter;
        context.MessagesWritten++;
        var flush = await body.FlushAsync(token).ConfigureAwait(false);
        if (flush.IsCanceled || flush.IsCompleted)
        {
            throw new OperationCanceledException("The client stopped reading the response.", token);
        }
    }
}
