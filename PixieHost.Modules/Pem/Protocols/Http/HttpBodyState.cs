namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>How the end of a message body is found (RFC 9112 section 6.3).</summary>
public enum HttpBodyMode
{
    /// <summary>No body: requests without length, HEAD answers, 1xx, 204, 304.</summary>
    None = 0,
    ContentLength = 1,
    Chunked = 2,

    /// <summary>A response without Content-Length or chunking: the body ends when the connection closes.</summary>
    UntilClose = 3,
}

/// <summary>Where a chunked body decoder stands.</summary>
internal enum ChunkPhase
{
    SizeLine = 0,
    Data = 1,
    DataEnd = 2,
    Trailers = 3,
    Done = 4,
}

/// <summary>Progress through one message body, kept between calls while its bytes arrive.</summary>
public struct HttpBodyState
{
    public HttpBodyMode Mode;

    /// <summary>Bytes still expected: of the whole body (Content-Length) or of the current chunk.</summary>
    public long Remaining;

    internal ChunkPhase Chunk;

    public readonly bool IsComplete => Mode switch
    {
        HttpBodyMode.None => true,
        HttpBodyMode.ContentLength => Remaining == 0,
        HttpBodyMode.Chunked => Chunk == ChunkPhase.Done,
        _ => false,
    };
}
