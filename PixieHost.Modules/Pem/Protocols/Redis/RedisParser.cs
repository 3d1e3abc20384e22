using System.Buffers.Text;

namespace PixieHost.Modules.Pem.Protocols.Redis;

/// <summary>What one <c>Try*</c> call of <see cref="RedisParser"/> found at the head of the bytes.</summary>
public enum RedisParseResult
{
    /// <summary>A whole message; <c>consumed</c> tells its length.</summary>
    Ok,

    /// <summary>The bytes are a prefix of a message: wait for more.</summary>
    NeedMore,

    /// <summary>The bytes are not RESP.</summary>
    Malformed,
}

/// <summary>How a reply relates to the requests of its connection.</summary>
public enum RedisReplyKind
{
    /// <summary>The answer to the oldest pending request (FIFO).</summary>
    Reply,

    /// <summary>A message the server pushed to a subscriber ("message", "pmessage", "smessage"): no request.</summary>
    PubMessage,

    /// <summary>Another RESP3 out-of-band push (client-side caching "invalidate"): no request, no row.</summary>
    OtherPush,
}

/// <summary>
/// RESP2 and RESP3 (https://redis.io/docs/latest/develop/reference/protocol-spec/) over spans. Each message is
/// scanned once for its end (cheap, no output) and only a complete one is rendered, so a big reply arriving in
/// many chunks is not re-rendered per chunk. Rendering follows Pixie's redis parser: simple strings, integers
/// and bulk strings as their text, errors with their '-', a null bulk string as <c>&lt;NULL&gt;</c>, a null
/// array as <c>[NULL]</c>, arrays as JSON arrays of strings (nested arrays nested).
/// </summary>
public static partial class RedisParser
{
    /// <summary>Nesting deeper than this is malformed (real replies nest 2-3 deep: XREAD, COMMAND DOCS ~5).</summary>
    public const int MaxDepth = 16;

    /// <summary>Elements of one aggregate; Redis itself refuses multibulk lengths over 1024*1024 from clients.</summary>
    public const int MaxElements = 1 << 20;

    /// <summary>Longest simple-string line; bulk strings carry their own length (Redis: proto-max-bulk-len 512 MiB).</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>Longest inline command line (Redis: PROTO_INLINE_MAX_SIZE, 64 KiB).</summary>
    public const int MaxInlineBytes = 64 * 1024;

    private const long MaxBulkBytes = 512L * 1024 * 1024;
    private const int NeedMoreOffset = -1;
    private const int MalformedOffset = -2;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> NullBulk => "<NULL>"u8;

    private static ReadOnlySpan<byte> NullArray => "[NULL]"u8;

    /// <summary>The byte starts a RESP2 or RESP3 value.</summary>
    public static bool IsTypeByte(byte b) => b is (byte)'+' or (byte)'-' or (byte)':' or (byte)'$' or (byte)'*'
        or (byte)'_' or (byte)',' or (byte)'#' or (byte)'!' or (byte)'=' or (byte)'(' or (byte)'%' or (byte)'~'
        or (byte)'>' or (byte)'|';

    /// <summary>
    /// Whether the first bytes of a connection look like Redis: an array of bulk strings whose first one is a
    /// known command (complete or not), or a reply type byte followed by a plausible line.
    /// </summary>
    public static bool LooksLikeRedis(ReadOnlySpan<byte> buf) => LooksLikeRequest(buf) || LooksLikeReply(buf);

    /// <summary>An array of bulk strings starting with a known command name ("*3\r\n$3\r\nSET\r\n…").</summary>
    public static bool LooksLikeRequest(ReadOnlySpan<byte> buf)
    {
        if (buf.Length < 4 || buf[0] != '*')
        {
            return false;
        }

        var le = FindLineEnd(buf, 1, 12);
        if (le < 0 || !TryParseInt(buf[1..le], out var n) || n < 1 || n > MaxElements)
        {
            return false;
        }

        var p = le + 2;
        if (p >= buf.Length || buf[p] != '$')
        {
            return false;
        }

        var le2 = FindLineEnd(buf, p + 1, 12);
        if (le2 < 0 || !TryParseInt(buf[(p + 1)..le2], out var len) || len < 1 || len > 32)
        {
            return false;
        }

        var start = le2 + 2;
        if (start + len > buf.Length)
        {
            return false;
        }

        return RedisCommands.IsKnown(buf.Slice(start, (int)len));
    }

    /// <summary>A reply type byte and a first line that fits it (a number for ':', '$', '*').</summary>
    public static bool LooksLikeReply(ReadOnlySpan<byte> buf)
    {
        if (buf.Length < 3 || !IsTypeByte(buf[0]))
        {
            return false;
        }

        var le = FindLineEnd(buf, 1, 256);
        if (le < 0)
        {
            return false;
        }

        var line = buf[1..le];
        foreach (var c in line)
        {
            if (c < 0x20 && c != '\t')
            {
                return false;
            }
        }

        return buf[0] switch
        {
            (byte)':' or (byte)'$' or (byte)'*' or (byte)'%' or (byte)'~' or (byte)'>' or (byte)'!' or (byte)'=' or (byte)'|' =>
                TryParseInt(line, out var n) && n >= -1,
            (byte)'_' => line.IsEmpty,
            (byte)'#' => line.Length == 1 && (line[0] == 't' || line[0] == 'f'),
            _ => true,
        };
    }

    /// <summary>
    /// Renders the reply at the head of <paramref name="buf"/> into <paramref name="text"/> (cleared first) when it
    /// is complete; <paramref name="kind"/> tells whether it answers a request or was pushed.
    /// </summary>
    public static RedisParseResult TryParseReply(ReadOnlySpan<byte> buf, RedisText text, out int consumed, out RedisReplyKind kind)
    {
        kind = RedisReplyKind.Reply;
        consumed = 0;
        var end = Scan(buf, 0, 0);
        if (end < 0)
        {
            return end == NeedMoreOffset ? RedisParseResult.NeedMore : RedisParseResult.Malformed;
        }

        text.Clear();
        var p = 0;
        if (buf[0] == '|')
        {
            // An attribute (RESP3) annotates the value after it; the row shows the value.
            p = SkipAttribute(buf, 0);
        }

        Render(buf, p, text, nested: false);
        kind = Classify(buf[p..end]);
        consumed = end;
        return RedisParseResult.Ok;
    }

    /// <summary>The end offset of the value at <paramref name="pos"/>, or <see cref="NeedMoreOffset"/> / <see cref="MalformedOffset"/>.</summary>
    internal static int Scan(ReadOnlySpan<byte> b, int pos, int depth)
    {
        if (pos >= b.Length)
        {
            return NeedMoreOffset;
        }

        var type = b[pos];
        if (!IsTypeByte(type))
        {
            return MalformedOffset;
        }

        var le = FindLineEnd(b, pos + 1, MaxLineBytes);
        if (le < 0)
        {
            return le;
        }

        var line = b[(pos + 1)..le];
        var next = le + 2;
        switch (type)
        {
            case (byte)'+' or (byte)'-' or (byte)',' or (byte)'(':
                return next;
            case (byte)':':
                return TryParseInt(line, out _) ? next : MalformedOffset;
            case (byte)'_':
                return line.IsEmpty ? next : MalformedOffset;
            case (byte)'#':
                return line.Length == 1 && (line[0] == 't' || line[0] == 'f') ? next : MalformedOffset;
            case (byte)'$' or (byte)'!' or (byte)'=':
            {
                if (!TryParseInt(line, out var n) || n < -1 || n > MaxBulkBytes || (n == -1 && type != '$'))
                {
                    return MalformedOffset;
                }

                if (n == -1)
                {
                    return next;
                }

                var end = next + n;
                if (end + 2 > b.Length)
                {
                    return NeedMoreOffset;
                }

                return b[(int)end] == '\r' && b[(int)end + 1] == '\n' ? (int)end + 2 : MalformedOffset;
            }

            default:
            {
                if (!TryParseInt(line, out var n) || n < -1 || n > MaxElements || (n == -1 && type != '*') || depth >= MaxDepth)
                {
                    return MalformedOffset;
                }

                var elems = type is (byte)'%' or (byte)'|' ? 2 * n : Math.Max(n, 0);
                var p = next;
                for (var i = 0; i < elems; i++)
                {
                    p = Scan(b, p, depth + 1);
                    if (p < 0)
                    {
                        return p;
                    }
                }

                return type == '|' ? Scan(b, p, depth + 1) : p;
            }
        }
    }

    /// <summary>Renders the (scanned, complete) value at <paramref name="pos"/>; returns its end.</summary>
    private static int Render(ReadOnlySpan<byte> b, int pos, RedisText t, bool nested)
    {
        var type = b[pos];
        var le = FindLineEnd(b, pos + 1, MaxLineBytes);
        var line = b[(pos + 1)..le];
        var next = le + 2;
        switch (type)
        {
            case (byte)'+' or (byte)':' or (byte)',' or (byte)'(':
                Text(t, line, nested);
                return next;
            case (byte)'-':
                Text(t, b[pos..le], nested);
                return next;
            case (byte)'_':
                Text(t, NullBulk, nested);
                return next;
            case (byte)'#':
                Text(t, line[0] == 't' ? "true"u8 : "false"u8, nested);
                return next;
            case (byte)'$' or (byte)'!' or (byte)'=':
            {
                TryParseInt(line, out var n);
                if (n < 0)
                {
                    Text(t, NullBulk, nested);
                    return next;
                }

                var content = b.Slice(next, (int)n);
                if (type == '=' && content.Length >= 4 && content[3] == ':')
                {
                    content = content[4..]; // "txt:" / "mkd:" format prefix of a verbatim string
                }

                if (type == '!')
                {
                    // A blob error reads like a simple one: "-ERR …", so error_rate counts it.
                    if (nested)
                    {
                        t.Append("\"-"u8);
                        t.AppendJsonEscaped(content);
                        t.Append((byte)'"');
                    }
                    else
                    {
                        t.Append((byte)'-');
                        t.Append(content);
                    }
                }
                else
                {
                    Text(t, content, nested);
                }

                return next + (int)n + 2;
            }

            case (byte)'|':
                return Render(b, SkipAttribute(b, pos), t, nested);
            default:
            {
                TryParseInt(line, out var n);
                if (n < 0)
                {
                    Text(t, NullArray, nested);
                    return next;
                }

                var map = type == '%';
                t.Append(map ? (byte)'{' : (byte)'[');
                var p = next;
                for (var i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        t.Append((byte)',');
                    }

                    p = Render(b, p, t, nested: true);
                    if (map)
                    {
                        t.Append((byte)':');
                        p = Render(b, p, t, nested: true);
                    }
                }

                t.Append(map ? (byte)'}' : (byte)']');
                return p;
            }
        }
    }

    private static void Text(RedisText t, ReadOnlySpan<byte> s, bool nested)
    {
        if (nested)
        {
            t.AppendJsonString(s);
        }
        else
        {
            t.Append(s);
        }
    }

    /// <summary>The offset of the value an attribute at <paramref name="pos"/> annotates.</summary>
    private static int SkipAttribute(ReadOnlySpan<byte> b, int pos)
    {
        var le = FindLineEnd(b, pos + 1, MaxLineBytes);
        TryParseInt(b[(pos + 1)..le], out var n);
        var p = le + 2;
        for (var i = 0; i < 2 * n; i++)
        {
            p = Scan(b, p, 1);
        }

        return b[p] == '|' ? SkipAttribute(b, p) : p;
    }

    /// <summary>Pushed pub/sub messages are arrays whose first element is "message", "pmessage" or "smessage".</summary>
    private static RedisReplyKind Classify(ReadOnlySpan<byte> v)
    {
        if (v[0] != '*' && v[0] != '>')
        {
            return RedisReplyKind.Reply;
        }

        var le = FindLineEnd(v, 1, 12);
        if (!TryParseInt(v[1..le], out var n) || n < 1)
        {
            return RedisReplyKind.Reply;
        }

        var first = ScalarContent(v, le + 2);
        if (first.SequenceEqual("message"u8) || first.SequenceEqual("pmessage"u8) || first.SequenceEqual("smessage"u8))
        {
            return RedisReplyKind.PubMessage;
        }

        // In RESP3 the answers to (UN)SUBSCRIBE come as pushes; they answer the request like RESP2 arrays do.
        if (v[0] == '>' && !first.EndsWith("subscribe"u8))
        {
            return RedisReplyKind.OtherPush;
        }

        return RedisReplyKind.Reply;
    }

    /// <summary>The text of a scanned bulk or simple string at <paramref name="pos"/>; empty for other types.</summary>
    private static ReadOnlySpan<byte> ScalarContent(ReadOnlySpan<byte> b, int pos)
    {
        var le = FindLineEnd(b, pos + 1, MaxLineBytes);
        if (le < 0)
        {
            return default;
        }

        if (b[pos] == '+')
        {
            return b[(pos + 1)..le];
        }

        if (b[pos] == '$' && TryParseInt(b[(pos + 1)..le], out var n) && n >= 0 && le + 2 + n <= b.Length)
        {
            return b.Slice(le + 2, (int)n);
        }

        return default;
    }

    /// <summary>Index of the CR of the first CRLF at or after <paramref name="from"/>; NeedMore or Malformed (line over <paramref name="max"/>).</summary>
    internal static int FindLineEnd(ReadOnlySpan<byte> b, int from, int max)
    {
        if (from > b.Length)
        {
            return NeedMoreOffset;
        }

        var rest = b[from..];
        var i = rest.Length > max + 1 ? rest[..(max + 1)].IndexOf(Crlf) : rest.IndexOf(Crlf);
        if (i >= 0)
        {
            return from + i;
        }

        return rest.Length > max ? MalformedOffset : NeedMoreOffset;
    }

    /// <summary>A RESP integer: optional '-', 1-19 digits, nothing else.</summary>
    internal static bool TryParseInt(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 20 || s[0] == '+')
        {
            return false;
        }

        return Utf8Parser.TryParse(s, out value, out var used) && used == s.Length;
    }
}
