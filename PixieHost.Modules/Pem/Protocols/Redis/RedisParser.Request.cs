namespace PixieHost.Modules.Pem.Protocols.Redis;

/// <summary>The arguments of one parsed command as offsets into the parsed bytes (reused across commands).</summary>
public sealed class RedisArgs
{
    /// <summary>Arguments kept per command; more are counted, not kept (their text would be truncated anyway).</summary>
    public const int MaxKept = 512;

    private readonly int[] _starts = new int[MaxKept];
    private readonly int[] _lengths = new int[MaxKept];

    /// <summary>Arguments kept, the command name first.</summary>
    public int Count { get; private set; }

    /// <summary>Arguments the command had.</summary>
    public int Total { get; private set; }

    public ReadOnlySpan<byte> Get(ReadOnlySpan<byte> buf, int i) => buf.Slice(_starts[i], _lengths[i]);

    internal void Clear() => Count = Total = 0;

    internal void Add(int start, int length)
    {
        Total++;
        if (Count < MaxKept)
        {
            _starts[Count] = start;
            _lengths[Count] = length;
            Count++;
        }
    }
}

public static partial class RedisParser
{
    /// <summary>
    /// Parses the command at the head of <paramref name="buf"/>: an array of bulk strings (what every client
    /// library and redis-cli send) or an inline command line ("PING\r\n", telnet style). <paramref name="args"/>
    /// gets the arguments; an empty command (blank inline line, "*0") is Ok with no arguments.
    /// </summary>
    public static RedisParseResult TryParseRequest(ReadOnlySpan<byte> buf, RedisArgs args, out int consumed)
    {
        consumed = 0;
        args.Clear();
        if (buf.IsEmpty)
        {
            return RedisParseResult.NeedMore;
        }

        if (buf[0] != '*')
        {
            return TryParseInline(buf, args, out consumed);
        }

        var end = Scan(buf, 0, 0);
        if (end < 0)
        {
            return end == NeedMoreOffset ? RedisParseResult.NeedMore : RedisParseResult.Malformed;
        }

        var le = FindLineEnd(buf, 1, MaxLineBytes);
        TryParseInt(buf[1..le], out var n);
        var p = le + 2;
        for (var i = 0; i < n; i++)
        {
            var type = buf[p];
            var lineEnd = FindLineEnd(buf, p + 1, MaxLineBytes);
            if (type == '$')
            {
                TryParseInt(buf[(p + 1)..lineEnd], out var len);
                if (len < 0)
                {
                    return RedisParseResult.Malformed;
                }

                args.Add(lineEnd + 2, (int)len);
                p = lineEnd + 2 + (int)len + 2;
            }
            else if (type is (byte)'+' or (byte)':')
            {
                args.Add(p + 1, lineEnd - p - 1);
                p = lineEnd + 2;
            }
            else
            {
                // Commands are arrays of strings: anything nested is not a command.
                return RedisParseResult.Malformed;
            }
        }

        consumed = end;
        return RedisParseResult.Ok;
    }

    private static RedisParseResult TryParseInline(ReadOnlySpan<byte> buf, RedisArgs args, out int consumed)
    {
        consumed = 0;
        var nl = buf.Length > MaxInlineBytes ? buf[..MaxInlineBytes].IndexOf((byte)'\n') : buf.IndexOf((byte)'\n');
        if (nl < 0)
        {
            return buf.Length >= MaxInlineBytes ? RedisParseResult.Malformed : NeedMoreUnlessBinary(buf);
        }

        var line = buf[..nl];
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }

        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c is (byte)' ' or (byte)'\t')
            {
                i++;
                continue;
            }

            if (c < 0x20 || c == 0x7f)
            {
                return RedisParseResult.Malformed;
            }

            var start = i;
            while (i < line.Length && line[i] is not ((byte)' ' or (byte)'\t'))
            {
                if (line[i] < 0x20 || line[i] == 0x7f)
                {
                    return RedisParseResult.Malformed;
                }

                i++;
            }

            args.Add(start, i - start);
        }

        consumed = nl + 1;
        return RedisParseResult.Ok;
    }

    /// <summary>A partial inline line is worth waiting for only while it is text.</summary>
    private static RedisParseResult NeedMoreUnlessBinary(ReadOnlySpan<byte> buf)
    {
        foreach (var c in buf)
        {
            if ((c < 0x20 && c is not ((byte)'\t' or (byte)'\r')) || c == 0x7f)
            {
                return RedisParseResult.Malformed;
            }
        }

        return RedisParseResult.NeedMore;
    }
}
