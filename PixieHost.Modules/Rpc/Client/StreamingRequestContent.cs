using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace PixieHost.Modules.Rpc.Client;

/// <summary>
/// A request body of unknown length fed from an async sequence of messages: each one is framed and flushed as soon as
/// the sequence yields it, so client-streaming and duplex calls go out message by message.
/// </summary>
internal sealed class StreamingRequestContent<T>(IAsyncEnumerable<T> messages, CancellationToken cancellationToken) : HttpContent
    where T : IMessage<T>
{
    public static readonly MediaTypeHeaderValue GrpcMediaType = new(GrpcProtocol.ContentType);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellationToken);
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        await foreach (var message in messages.WithCancellation(linked.Token).ConfigureAwait(false))
        {
            GrpcFraming.WriteMessage(writer, message);
            await writer.FlushAsync(linked.Token).ConfigureAwait(false);
        }

        await writer.CompleteAsync().ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
