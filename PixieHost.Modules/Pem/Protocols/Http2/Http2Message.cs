namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// One side of an HTTP/2 stream: header fields (and trailers), the first <see cref="BodyLimit"/> bytes of DATA
/// and their total, and the times of its first and last frame.
/// </summary>
public sealed class Http2Message
{
    /// <summary>Body bytes kept (Pixie's parser keeps 1024, <c>PX_STIRLING_HTTP_BODY_LIMIT_BYTES</c>).</summary>
    public const int BodyLimit = 1024;

    private readonly byte[] _body = new byte[BodyLimit];
    private int _kept;

    public Http2Headers Headers { get; } = new();

    public long BodySize { get; private set; }

    public ReadOnlySpan<byte> Body => _body.AsSpan(0, _kept);

    /// <summary>A frame of this message was seen.</summary>
    public bool Started { get; private set; }

    /// <summary>END_STREAM was seen.</summary>
    public bool Ended { get; internal set; }

    public ulong FirstTimestampNs { get; private set; }

    public ulong LastTimestampNs { get; private set; }

    public void Touch(ulong tsNs)
    {
        if (!Started)
        {
            Started = true;
            FirstTimestampNs = tsNs;
        }

        LastTimestampNs = Math.Max(LastTimestampNs, tsNs);
    }

    public void AppendBody(ReadOnlySpan<byte> data)
    {
        BodySize += data.Length;
        var n = Math.Min(BodyLimit - _kept, data.Length);
        if (n > 0)
        {
            data[..n].CopyTo(_body.AsSpan(_kept));
            _kept += n;
        }
    }

    public void Reset()
    {
        Headers.Clear();
        _kept = 0;
        BodySize = 0;
        Started = Ended = false;
        FirstTimestampNs = LastTimestampNs = 0;
    }
}

/// <summary>A client-initiated stream: its request and response.</summary>
public sealed class Http2Stream
{
    public int Id { get; internal set; }

    public Http2Message Request { get; } = new();

    public Http2Message Response { get; } = new();

    /// <summary>RST_STREAM was seen: the stream ends here, complete or not.</summary>
    public bool WasReset { get; internal set; }

    /// <summary>When the first frame of the stream was seen (for expiry and eviction).</summary>
    public ulong CreatedNs { get; internal set; }

    public bool IsComplete => WasReset || (Request.Ended && Response.Ended);

    public void Reset()
    {
        Id = 0;
        Request.Reset();
        Response.Reset();
        WasReset = false;
        CreatedNs = 0;
    }
}
