namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// Renders a gRPC body (length-prefixed messages: 1-byte compressed flag, 4-byte big-endian length, protobuf)
/// the way Pixie shows it without the .proto: each message in protobuf text format from its wire fields
/// (<c>1: 7 2: "hello" 3 { 1: 2 }</c>), messages separated by a newline. Varints print as unsigned numbers,
/// fixed64/fixed32 as hex, length-delimited fields as a string when the bytes are printable text, else as a
/// nested message when they parse as one, else as an escaped string. A compressed message prints as
/// <c>&lt;compressed gRPC message, N bytes&gt;</c>, an undecodable one as <c>&lt;Failed to parse protobuf&gt;</c>;
/// a message cut by the body limit prints the fields that are whole, then "... [TRUNCATED]".
/// </summary>
public static class GrpcBodyText
{
    private const int MaxDepth = 8;

    /// <summary>Writes the text of <paramref name="body"/> (the kept first bytes of a body) into <paramref name="dst"/>; returns the bytes written (output past <paramref name="dst"/> is cut).</summary>
    public static int Render(ReadOnlySpan<byte> body, Span<byte> dst)
    {
        var w = new Sink(dst);
        var pos = 0;
        var first = true;
        while (pos < body.Length)
        {
            if (!first)
            {
                w.Raw("\n"u8);
            }

            first = false;
            if (body.Length - pos < 5)
            {
                w.Raw(SocketEventsWriter.TruncatedSuffix);
                break;
            }

            var compressed = body[pos] != 0;
            var len = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body[(pos + 1)..]);
            pos += 5;
            var avail = (int)Math.Min(len, body.Length - pos);
            var msg = body.Slice(pos, avail);
            pos += avail;
            if (compressed)
            {
                w.Raw("<compressed gRPC message, "u8);
                w.Number((ulong)len);
                w.Raw(" bytes>"u8);
                continue;
            }

            var whole = avail == len;
            if (whole && !IsMessage(msg, 0))
            {
                w.Raw("<Failed to parse protobuf>"u8);
                continue;
            }

            WriteFields(ref w, msg, 0);
            if (!whole)
            {
                w.Raw(SocketEventsWriter.TruncatedSuffix);
            }
        }

        return w.Written;
    }

    /// <summary>True when <paramref name="buf"/> parses completely as protobuf wire fields.</summary>
    internal static bool IsMessage(ReadOnlySpan<byte> buf, int depth)
    {
        var pos = 0;
        while (pos < buf.Length)
        {
            if (!TryField(buf, ref pos, out _, out _, out _, out _))
            {
                return false;
            }
        }

        return depth <= MaxDepth;
    }

    private static void WriteFields(ref Sink w, scoped ReadOnlySpan<byte> buf, int depth)
    {
        var pos = 0;
        var first = true;
        while (pos < buf.Length && !w.Full)
        {
            if (!TryField(buf, ref pos, out var field, out var wireType, out var number, out var bytes))
            {
                return;
            }

            if (!first)
            {
                w.Raw(" "u8);
            }

            first = false;
            w.Number(field);
            switch (wireType)
            {
                case 0:
                    w.Raw(": "u8);
                    w.Number(number);
                    break;
                case 1:
                    w.Raw(": 0x"u8);
                    w.Hex(number, 16);
                    break;
                case 5:
                    w.Raw(": 0x"u8);
                    w.Hex(number, 8);
                    break;
                default:
                    if (!IsText(bytes) && bytes.Length > 0 && depth < MaxDepth && IsMessage(bytes, depth + 1))
                    {
                        w.Raw(" { "u8);
                        WriteFields(ref w, bytes, depth + 1);
                        w.Raw(" }"u8);
                    }
                    else
                    {
                        w.Raw(": \""u8);
                        w.Escaped(bytes);
                        w.Raw("\""u8);
                    }

                    break;
            }
        }

    }

    /// <summary>One field: its number, wire type (0 varint, 1 fixed64, 2 bytes, 5 fixed32; groups are rejected) and value.</summary>
    private static bool TryField(ReadOnlySpan<byte> buf, ref int pos, out ulong field, out int wireType, out ulong number, out ReadOnlySpan<byte> bytes)
    {
        number = 0;
        bytes = default;
        wireType = 0;
        if (!TryVarint(buf, ref pos, out var key) || key >> 3 == 0 || key >> 3 > 536_870_911)
        {
            field = 0;
            return false;
        }

        field = key >> 3;
        wireType = (int)(key & 7);
        switch (wireType)
        {
            case 0:
                return TryVarint(buf, ref pos, out number);
            case 1:
                if (buf.Length - pos < 8)
                {
                    return false;
                }

                number = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(buf[pos..]);
                pos += 8;
                return true;
            case 5:
                if (buf.Length - pos < 4)
                {
                    return false;
                }

                number = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(buf[pos..]);
                pos += 4;
                return true;
            case 2:
                if (!TryVarint(buf, ref pos, out var len) || len > (ulong)(buf.Length - pos))
                {
                    return false;
                }

                bytes = buf.Slice(pos, (int)len);
                pos += (int)len;
                return true;
            default:
                return false;
        }
    }

    private static bool TryVarint(ReadOnlySpan<byte> buf, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && pos < buf.Length; shift += 7)
        {
            var b = buf[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Printable UTF-8 text (tabs and newlines allowed): shown as a string even if it happens to parse as fields.</summary>
    internal static bool IsPrintable(ReadOnlySpan<byte> bytes) => IsText(bytes);

    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes) is false)
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r')
            {
                return false;
            }

            if (b == 0x7f)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes into a fixed span; past its end writes are dropped and <see cref="Full"/> is set.</summary>
    private ref struct Sink(Span<byte> dst)
    {
        private readonly Span<byte> _dst = dst;

        public int Written { get; private set; }

        public bool Full { get; private set; }

        public void Raw(scoped ReadOnlySpan<byte> s)
        {
            foreach (var b in s)
            {
                Byte(b);
            }
        }

        public void Byte(byte b)
        {
            if (Written < _dst.Length)
            {
                _dst[Written++] = b;
            }
            else
            {
                Full = true;
            }
        }

        public void Number(ulong v)
        {
            Span<byte> tmp = stackalloc byte[20];
            var i = tmp.Length;
            do
            {
                tmp[--i] = (byte)('0' + (v % 10));
                v /= 10;
            }
            while (v != 0);
            Raw(tmp[i..]);
        }

        public void Hex(ulong v, int digits)
        {
            for (var i = digits - 1; i >= 0; i--)
            {
                var d = (int)((v >> (i * 4)) & 0xf);
                Byte((byte)(d < 10 ? '0' + d : 'a' + d - 10));
            }
        }

        /// <summary>Protobuf text escaping: quotes, backslash and control bytes; other bytes (UTF-8) as they are, invalid UTF-8 as octal.</summary>
        public void Escaped(scoped ReadOnlySpan<byte> s)
        {
            var utf8 = System.Text.Unicode.Utf8.IsValid(s);
            foreach (var b in s)
            {
                switch (b)
                {
                    case (byte)'"':
                        Raw("\\\""u8);
                        break;
                    case (byte)'\\':
                        Raw("\\\\"u8);
                        break;
                    case (byte)'\n':
                        Raw("\\n"u8);
                        break;
                    case (byte)'\r':
                        Raw("\\r"u8);
                        break;
                    case (byte)'\t':
                        Raw("\\t"u8);
                        break;
                    case < 0x20 or 0x7f:
                    case >= 0x80 when !utf8:
                        Byte((byte)'\\');
                        Byte((byte)('0' + ((b >> 6) & 7)));
                        Byte((byte)('0' + ((b >> 3) & 7)));
                        Byte((byte)('0' + (b & 7)));
                        break;
                    default:
                        Byte(b);
                        break;
                }
            }
        }
    }
}
