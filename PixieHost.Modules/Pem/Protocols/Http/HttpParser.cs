using System.Buffers;

namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>
/// HTTP/1.x parsing over spans. Every method returns <see cref="OperationStatus.NeedMoreData"/> when the bytes
/// end too early, <see cref="OperationStatus.InvalidData"/> on malformed input (never an exception) and
/// <see cref="OperationStatus.Done"/> with the bytes it consumed.
/// </summary>
public static partial class HttpParser
{
    /// <summary>Largest start line plus headers accepted (Pixie caps headers at 8 KiB).</summary>
    public const int MaxHeadBytes = 8192;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>ParseHeaderLine: the line is not complete yet.</summary>
    private const int NeedMore = -2;

    private static ReadOnlySpan<byte> HttpVersionPrefix => "HTTP/1."u8;

    /// <summary>Bytes a JSON string must escape, except CR and LF, which end head lines and never reach a value.</summary>
    private static readonly SearchValues<byte> JsonEscapeBytes = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000b\u000c\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    private static readonly SearchValues<byte> RequestStartBytes = SearchValues.Create("GHPDCOT"u8);

    /// <summary>
    /// Parses a start line and headers at the start of <paramref name="buffer"/> into <paramref name="frame"/>
    /// (reset first). Garbage is reported as soon as the first bytes cannot begin a message.
    /// </summary>
    public static OperationStatus ParseHead(ReadOnlySpan<byte> buffer, HttpMessageKind kind, HttpFrame frame, out int consumed)
    {
        consumed = 0;
        var lineEnd = IndexOfCrlf(buffer);
        if (lineEnd < 0)
        {
            return buffer.Length < MaxHeadBytes && StartLineMayBeValid(buffer, kind, complete: false)
                ? OperationStatus.NeedMoreData
                : OperationStatus.InvalidData;
        }

        // The start line is checked before the rest, so garbage fails at once.
        var line = buffer[..lineEnd];
        int methodLength = 0, pathLength = 0, minor, status = 0, messageStart = 0;
        var lineOk = kind == HttpMessageKind.Request
            ? TryParseRequestLine(line, out methodLength, out pathLength, out minor)
            : TryParseStatusLine(line, out minor, out status, out messageStart);
        if (!lineOk)
        {
            return OperationStatus.InvalidData;
        }

        // Header lines are parsed in place, one pass, ranges relative to the start of the head; the head is
        // copied into the frame once its end is known. (No separate search for CRLF CRLF: on short heads each
        // vectorized search costs ~20 ns of setup.)
        frame.Reset();
        frame.Kind = kind;
        var pos = lineEnd + Crlf.Length;
        while (true)
        {
            if (pos + 1 >= buffer.Length)
            {
                return buffer.Length >= MaxHeadBytes ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
            }

            if (buffer[pos] == (byte)'\r')
            {
                if (buffer[pos + 1] != (byte)'\n')
                {
                    return OperationStatus.InvalidData;
                }

                pos += Crlf.Length;
                break;
            }

            var next = ParseHeaderLine(buffer, pos, frame);
            if (next == NeedMore)
            {
                return buffer.Length >= MaxHeadBytes ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
            }

            if (next < 0 || next > MaxHeadBytes)
            {
                return OperationStatus.InvalidData;
            }

            pos = next;
        }

        if (pos > MaxHeadBytes)
        {
            return OperationStatus.InvalidData;
        }

        frame.CopyHead(buffer[..pos]);
        if (buffer[..pos].IndexOfAny(JsonEscapeBytes) >= 0)
        {
            frame.HeadNeedsEscape = true;
        }

        frame.MinorVersion = minor;
        if (kind == HttpMessageKind.Request)
        {
            frame.MethodRange = (0, methodLength);
            frame.PathRange = (methodLength + 1, pathLength);
            frame.IsHeadRequest = line[..methodLength].SequenceEqual("HEAD"u8);
        }
        else
        {
            frame.Status = status;
            frame.MessageRange = (messageStart, lineEnd - messageStart);
        }

        consumed = pos;
        return OperationStatus.Done;
    }

    /// <summary>Index of the first CRLF; -1 when there is none yet. A single-byte search is ~5x cheaper than a two-byte one on short spans.</summary>
    internal static int IndexOfCrlf(ReadOnlySpan<byte> buffer)
    {
        var from = 0;
        while (true)
        {
            var rel = buffer[from..].IndexOf((byte)'\r');
            if (rel < 0)
            {
                return -1;
            }

            var i = from + rel;
            if (i + 1 >= buffer.Length)
            {
                return -1;
            }

            if (buffer[i + 1] == (byte)'\n')
            {
                return i;
            }

            from = i + 1;
        }
    }

    /// <summary>
    /// Index of the first place in <paramref name="buffer"/> where a message of <paramref name="kind"/> may start
    /// (a complete valid start line, or a prefix of one at the end of the buffer); -1 when there is none.
    /// </summary>
    public static int FindMessageStart(ReadOnlySpan<byte> buffer, HttpMessageKind kind)
    {
        var from = 0;
        while (from < buffer.Length)
        {
            var rel = kind == HttpMessageKind.Request
                ? buffer[from..].IndexOfAny(RequestStartBytes)
                : buffer[from..].IndexOf((byte)'H');
            if (rel < 0)
            {
                return -1;
            }

            var i = from + rel;
            var rest = buffer[i..];
            var lineEnd = IndexOfCrlf(rest);
            if (lineEnd < 0 && rest.Length > MaxHeadBytes)
            {
                lineEnd = MaxHeadBytes;
            }

            if (StartLineMayBeValid(lineEnd < 0 ? rest : rest[..lineEnd], kind, lineEnd >= 0))
            {
                return i;
            }

            from = i + 1;
        }

        return -1;
    }

    /// <summary>
    /// Whether the first complete start line in <paramref name="buffer"/> is a request or a response (garbage
    /// before it is ignored); false when the bytes hold no complete start line yet.
    /// </summary>
    public static bool TryClassify(ReadOnlySpan<byte> buffer, out HttpMessageKind kind)
    {
        var req = CompleteStart(buffer, HttpMessageKind.Request);
        var resp = CompleteStart(buffer, HttpMessageKind.Response);
        kind = resp >= 0 && (req < 0 || resp < req) ? HttpMessageKind.Response : HttpMessageKind.Request;
        return req >= 0 || resp >= 0;
    }

    private static int CompleteStart(ReadOnlySpan<byte> buffer, HttpMessageKind kind)
    {
        var i = FindMessageStart(buffer, kind);
        return i >= 0 && buffer[i..].IndexOf(Crlf) >= 0 ? i : -1;
    }

    /// <summary>Method names Pixie's protocol inference accepts.</summary>
    private static bool IsKnownMethod(ReadOnlySpan<byte> m) =>
        m.SequenceEqual("GET"u8) || m.SequenceEqual("POST"u8) || m.SequenceEqual("PUT"u8) || m.SequenceEqual("DELETE"u8)
        || m.SequenceEqual("HEAD"u8) || m.SequenceEqual("OPTIONS"u8) || m.SequenceEqual("PATCH"u8)
        || m.SequenceEqual("CONNECT"u8) || m.SequenceEqual("TRACE"u8);

    private static bool IsKnownMethodPrefix(ReadOnlySpan<byte> p) =>
        "GET"u8.StartsWith(p) || "POST"u8.StartsWith(p) || "PUT"u8.StartsWith(p) || "DELETE"u8.StartsWith(p)
        || "HEAD"u8.StartsWith(p) || "OPTIONS"u8.StartsWith(p) || "PATCH"u8.StartsWith(p)
        || "CONNECT"u8.StartsWith(p) || "TRACE"u8.StartsWith(p);

    /// <summary>Cheap check of a start line, or of its prefix when <paramref name="complete"/> is false.</summary>
    private static bool StartLineMayBeValid(ReadOnlySpan<byte> line, HttpMessageKind kind, bool complete)
    {
        if (kind == HttpMessageKind.Response)
        {
            if (line.Length < HttpVersionPrefix.Length)
            {
                return !complete && HttpVersionPrefix.StartsWith(line);
            }

            if (!line.StartsWith(HttpVersionPrefix))
            {
                return false;
            }

            return !complete || TryParseStatusLine(line, out _, out _, out _);
        }

        var sp = line.IndexOf((byte)' ');
        if (sp < 0)
        {
            return !complete && line.Length < 8 && IsKnownMethodPrefix(line);
        }

        if (!IsKnownMethod(line[..sp]))
        {
            return false;
        }

        return !complete || TryParseRequestLine(line, out _, out _, out _);
    }

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, out int methodLength, out int pathLength, out int minor)
    {
        methodLength = line.IndexOf((byte)' ');
        pathLength = 0;
        minor = 0;
        if (methodLength <= 0 || !IsKnownMethod(line[..methodLength]))
        {
            return false;
        }

        var rest = line[(methodLength + 1)..];
        pathLength = rest.IndexOf((byte)' ');
        if (pathLength <= 0 || rest[..pathLength].IndexOfAnyInRange((byte)0, (byte)0x1f) >= 0)
        {
            return false;
        }

        var version = rest[(pathLength + 1)..];
        return version.Length == 8 && version.StartsWith(HttpVersionPrefix) && TryDigit(version[7], out minor);
    }

    private static bool TryParseStatusLine(ReadOnlySpan<byte> line, out int minor, out int status, out int messageStart)
    {
        // "HTTP/1.1 200 OK"; the reason phrase may be empty ("HTTP/1.1 200" or "HTTP/1.1 200 ").
        status = 0;
        messageStart = line.Length;
        if (line.Length < 12 || !line.StartsWith(HttpVersionPrefix) || !TryDigit(line[7], out minor) || line[8] != (byte)' ')
        {
            minor = 0;
            return false;
        }

        for (var i = 9; i < 12; i++)
        {
            if (!TryDigit(line[i], out var d))
            {
                return false;
            }

            status = (status * 10) + d;
        }

        if (line.Length > 12)
        {
            if (line[12] != (byte)' ')
            {
                return false;
            }

            messageStart = 13;
        }

        return status >= 100;
    }

    /// <summary>
    /// Parses the header line at <paramref name="start"/> (the head is known to end with CRLF CRLF); returns
    /// where the next line starts, or -1 when the line is malformed. Scalar loops: header names and the
    /// whitespace around values are a few bytes, where vectorized searches cost more than they save.
    /// </summary>
    private static int ParseHeaderLine(ReadOnlySpan<byte> head, int start, HttpFrame frame)
    {
        var i = start;
        byte b;
        while (true)
        {
            if (i >= head.Length)
            {
                return NeedMore;
            }

            b = head[i];
            if (b == (byte)':')
            {
                break;
            }

            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                return -1;
            }

            i++;
        }

        var colon = i;
        if (colon == start)
        {
            return -1;
        }

        i++;
        while (i < head.Length && head[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        var valueStart = i;
        var rel = head[valueStart..].IndexOfAny((byte)'\r', (byte)'\n');
        if (rel < 0)
        {
            return NeedMore;
        }

        var lineEnd = valueStart + rel;
        while (head[lineEnd] == (byte)'\n')
        {
            // A bare LF inside the value would reach a JSON string unescaped.
            frame.HeadNeedsEscape = true;
            rel = head[(lineEnd + 1)..].IndexOfAny((byte)'\r', (byte)'\n');
            if (rel < 0)
            {
                return NeedMore;
            }

            lineEnd += 1 + rel;
        }

        if (lineEnd + 1 >= head.Length)
        {
            return NeedMore;
        }

        if (head[lineEnd + 1] != (byte)'\n')
        {
            return -1;
        }

        var valueEnd = lineEnd;
        while (valueEnd > valueStart && head[valueEnd - 1] is (byte)' ' or (byte)'\t')
        {
            valueEnd--;
        }

        frame.AddHeader(start, colon - start, valueStart, valueEnd - valueStart);
        return NoteFramingHeader(head[start..colon], head[valueStart..valueEnd], frame) ? lineEnd + Crlf.Length : -1;
    }

    /// <summary>Records the headers that decide framing and content type; false for an unusable Content-Length.</summary>
    private static bool NoteFramingHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, HttpFrame frame)
    {
        switch (name.Length)
        {
            case 14 when EqualsLower(name, "content-length"u8):
                if (!TryParseLength(value, out var length) || (frame.ContentLength >= 0 && frame.ContentLength != length))
                {
                    return false;
                }

                frame.ContentLength = length;
                break;
            case 17 when EqualsLower(name, "transfer-encoding"u8):
                frame.IsChunked |= ContainsIgnoreCase(value, "chunked"u8);
                break;
            case 16 when EqualsLower(name, "content-encoding"u8):
                frame.ContentEncodingGzip |= ContainsIgnoreCase(value, "gzip"u8);
                break;
            case 10 when EqualsLower(name, "connection"u8):
                frame.ConnectionClose |= ContainsIgnoreCase(value, "close"u8);
                break;
            case 12 when EqualsLower(name, "content-type"u8):
                var json = ContainsIgnoreCase(value, "json"u8);
                frame.ContentTypeIsJson |= json;
                frame.ContentTypeIsText |= json || ContainsIgnoreCase(value, "text/"u8);
                break;
        }

        return true;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
    {
        var first = lowerNeedle[0];
        var from = 0;
        while (from + lowerNeedle.Length <= haystack.Length)
        {
            var rel = haystack[from..].IndexOfAny(first, (byte)(first - 32));
            if (rel < 0)
            {
                return false;
            }

            var i = from + rel;
            if (i + lowerNeedle.Length <= haystack.Length && EqualsLower(haystack.Slice(i, lowerNeedle.Length), lowerNeedle))
            {
                return true;
            }

            from = i + 1;
        }

        return false;
    }

    /// <summary>
    /// ASCII case-insensitive equality against a lower-case token. OR-ing 0x20 lower-cases letters and keeps
    /// '-' and digits; a scalar loop beats the vectorized library call on these 4-17 byte names.
    /// </summary>
    private static bool EqualsLower(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lower)
    {
        if (s.Length != lower.Length)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            if ((s[i] | 0x20) != lower[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18)
        {
            return false;
        }

        foreach (var b in value)
        {
            if (!TryDigit(b, out var d))
            {
                return false;
            }

            length = (length * 10) + d;
        }

        return true;
    }

    private static bool TryDigit(byte b, out int digit)
    {
        digit = b - '0';
        return (uint)digit <= 9;
    }
}
