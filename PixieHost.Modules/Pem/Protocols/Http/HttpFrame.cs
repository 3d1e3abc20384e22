using System.Text;

namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>Whether a frame is a request or a response.</summary>
public enum HttpMessageKind
{
    Request = 0,
    Response = 1,
}

/// <summary>
/// One parsed HTTP/1.x message. The head (start line and headers) is copied into <see cref="Head"/> and every
/// string field is a range into it, so parsing allocates nothing once the frame is pooled; strings are made only
/// by the convenience properties (tests, cold paths).
/// </summary>
public sealed class HttpFrame
{
    /// <summary>Body bytes the parser keeps (Pixie: <c>PX_STIRLING_HTTP_BODY_LIMIT_BYTES</c> = 1024).</summary>
    public const int BodyLimit = 1024;

    internal byte[] Head = new byte[256];
    internal int HeadLength;
    internal (int Start, int Length) MethodRange;
    internal (int Start, int Length) PathRange;
    internal (int Start, int Length) MessageRange;
    internal HeaderRange[] HeaderRanges = new HeaderRange[16];
    internal readonly byte[] BodyBytes = new byte[BodyLimit];
    internal int BodyKept;

    public HttpMessageKind Kind { get; internal set; }

    /// <summary>The head holds a byte JSON must escape (quote, backslash, control other than CR/LF).</summary>
    public bool HeadNeedsEscape { get; internal set; }

    /// <summary>
    /// CLOCK_MONOTONIC time of the event that held the first byte of the message. Used for both requests and
    /// responses, so latency = first response byte − first request byte: for a server, from the first request
    /// byte read to the first response byte written. (Pixie stamps frames from its data-stream buffer's chunk
    /// timestamps too; whether it takes the chunk of the first or of the last byte could not be checked here.)
    /// </summary>
    public ulong TimestampNs { get; internal set; }

    public int MinorVersion { get; internal set; }

    /// <summary>Response status code; 0 for requests.</summary>
    public int Status { get; internal set; }

    /// <summary>Body length on the wire after de-chunking, before truncation; bytes lost in gaps are counted.</summary>
    public long BodySize { get; internal set; }

    /// <summary>Content-Length value, or -1 when absent.</summary>
    public long ContentLength { get; internal set; } = -1;

    public bool IsChunked { get; internal set; }

    /// <summary><c>Connection: close</c> was present.</summary>
    public bool ConnectionClose { get; internal set; }

    /// <summary>Content-Type contains "json".</summary>
    public bool ContentTypeIsJson { get; internal set; }

    /// <summary>Content-Type contains "json" or "text/" (Pixie's default <c>http_response_header_filters</c>: <c>Content-Type:json,Content-Type:text/</c>).</summary>
    public bool ContentTypeIsText { get; internal set; }

    /// <summary><c>Content-Encoding: gzip</c>: the body is inflated before it is stored, as Pixie does.</summary>
    public bool ContentEncodingGzip { get; internal set; }

    /// <summary>Request method is HEAD: its response carries no body whatever its headers say.</summary>
    public bool IsHeadRequest { get; internal set; }

    public ReadOnlySpan<byte> MethodSpan => Head.AsSpan(MethodRange.Start, MethodRange.Length);

    public ReadOnlySpan<byte> PathSpan => Head.AsSpan(PathRange.Start, PathRange.Length);

    public ReadOnlySpan<byte> MessageSpan => Head.AsSpan(MessageRange.Start, MessageRange.Length);

    /// <summary>The body bytes kept (at most <see cref="BodyLimit"/>).</summary>
    public ReadOnlySpan<byte> BodySpan => BodyBytes.AsSpan(0, BodyKept);

    /// <summary>Number of header lines.</summary>
    public int HeaderCount { get; private set; }

    public string Method => Encoding.UTF8.GetString(MethodSpan);

    public string Path => Encoding.UTF8.GetString(PathSpan);

    public string Message => Encoding.UTF8.GetString(MessageSpan);

    public string Body => Encoding.UTF8.GetString(BodySpan);

    /// <summary>Headers in arrival order (cold path).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers
    {
        get
        {
            var list = new List<KeyValuePair<string, string>>(HeaderCount);
            for (var i = 0; i < HeaderCount; i++)
            {
                list.Add(new(Encoding.UTF8.GetString(HeaderName(i)), Encoding.UTF8.GetString(HeaderValue(i))));
            }

            return list;
        }
    }

    public ReadOnlySpan<byte> HeaderName(int i) => Head.AsSpan(HeaderRanges[i].NameStart, HeaderRanges[i].NameLength);

    public ReadOnlySpan<byte> HeaderValue(int i) => Head.AsSpan(HeaderRanges[i].ValueStart, HeaderRanges[i].ValueLength);

    /// <summary>First value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? GetHeader(string name)
    {
        for (var i = 0; i < HeaderCount; i++)
        {
            if (string.Equals(Encoding.UTF8.GetString(HeaderName(i)), name, StringComparison.OrdinalIgnoreCase))
            {
                return Encoding.UTF8.GetString(HeaderValue(i));
            }
        }

        return null;
    }

    /// <summary>Clears the frame for reuse; buffers are kept.</summary>
    public void Reset()
    {
        HeadLength = 0;
        MethodRange = default;
        PathRange = default;
        MessageRange = default;
        HeaderCount = 0;
        BodyKept = 0;
        BodySize = 0;
        ContentLength = -1;
        IsChunked = false;
        ConnectionClose = false;
        ContentTypeIsJson = false;
        ContentTypeIsText = false;
        IsHeadRequest = false;
        HeadNeedsEscape = false;
        ContentEncodingGzip = false;
        Status = 0;
        MinorVersion = 0;
        TimestampNs = 0;
    }

    internal void AppendBody(ReadOnlySpan<byte> data)
    {
        BodySize += data.Length;
        var room = BodyLimit - BodyKept;
        if (room > 0)
        {
            var n = Math.Min(room, data.Length);
            data[..n].CopyTo(BodyBytes.AsSpan(BodyKept));
            BodyKept += n;
        }
    }

    internal void AddHeader(int nameStart, int nameLength, int valueStart, int valueLength)
    {
        if (HeaderCount == HeaderRanges.Length)
        {
            Array.Resize(ref HeaderRanges, HeaderRanges.Length * 2);
        }

        HeaderRanges[HeaderCount++] = new HeaderRange(nameStart, nameLength, valueStart, valueLength);
    }

    internal void CopyHead(ReadOnlySpan<byte> head)
    {
        if (head.Length > Head.Length)
        {
            Head = new byte[Math.Max(head.Length, Head.Length * 2)];
        }

        head.CopyTo(Head);
        HeadLength = head.Length;
    }

    internal readonly record struct HeaderRange(int NameStart, int NameLength, int ValueStart, int ValueLength);
}
