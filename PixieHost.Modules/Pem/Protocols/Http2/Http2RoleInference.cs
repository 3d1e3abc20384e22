using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// Which side of an HTTP/2 connection the traced process is, from the first bytes of each direction: the side
/// that sent the client preface is the client; otherwise the side whose HEADERS on an odd stream start with a
/// request pseudo-header (<c>:method</c>, <c>:path</c>, <c>:scheme</c>, <c>:authority</c>: static indices 1-7)
/// is the client, and the one starting with <c>:status</c> (8-14) is the server.
/// </summary>
public static class Http2RoleInference
{
    /// <summary>Frames looked at per direction.</summary>
    private const int MaxFrames = 32;

    public static TraceRole Infer(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received)
    {
        if (StartsWithPreface(sent))
        {
            return TraceRole.Client;
        }

        if (StartsWithPreface(received))
        {
            return TraceRole.Server;
        }

        var s = Classify(sent);
        if (s != 0)
        {
            return s > 0 ? TraceRole.Client : TraceRole.Server;
        }

        var r = Classify(received);
        return r == 0 ? TraceRole.Unknown : r > 0 ? TraceRole.Server : TraceRole.Client;
    }

    private static bool StartsWithPreface(ReadOnlySpan<byte> buf) =>
        buf.Length >= Http2Parser.Preface.Length && buf.StartsWith(Http2Parser.Preface);

    /// <summary>+1 when the bytes carry a request header block, -1 a response one, 0 when they do not tell.</summary>
    private static int Classify(ReadOnlySpan<byte> buf)
    {
        var off = Http2Parser.FindFrameBoundary(buf);
        if (off < 0)
        {
            return 0;
        }

        buf = buf[off..];
        for (var i = 0; i < MaxFrames && Http2Parser.TryReadFrame(buf, out var h, out var payload, out var consumed); i++)
        {
            buf = buf[consumed..];
            if (h.Type != Http2FrameType.Headers || (h.StreamId & 1) == 0 || !Http2Parser.TryGetContent(h, payload, out var block, out _))
            {
                continue;
            }

            var idx = FirstFieldIndex(block);
            if (idx is >= 1 and <= 7)
            {
                return 1;
            }

            if (idx is >= 8 and <= 14)
            {
                return -1;
            }
        }

        return 0;
    }

    /// <summary>The static-table index the first field refers to (skipping size updates), or 0.</summary>
    private static int FirstFieldIndex(ReadOnlySpan<byte> block)
    {
        var pos = 0;
        while (pos < block.Length)
        {
            var b = block[pos];
            var prefix = (b & 0x80) != 0 ? 7 : (b & 0xc0) == 0x40 ? 6 : (b & 0xe0) == 0x20 ? 5 : 4;
            if (!HpackDecoder.TryInteger(block, ref pos, prefix, out var index))
            {
                return 0;
            }

            if (prefix != 5)
            {
                return index;
            }
        }

        return 0;
    }
}
