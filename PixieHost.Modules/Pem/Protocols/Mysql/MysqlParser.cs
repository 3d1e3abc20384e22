using System.Buffers.Binary;

namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>
/// The MySQL client/server wire format over spans: packet headers (3-byte little-endian payload length, 1-byte
/// sequence id), length-encoded integers and strings, and the few fields of OK, ERR, EOF, the server greeting
/// and the client handshake response that tracing needs. Every method returns false on short or malformed input;
/// none throws.
/// </summary>
public static class MysqlParser
{
    /// <summary>Bytes of a packet header.</summary>
    public const int HeaderBytes = 4;

    /// <summary>A payload of this length continues in the next packet (payloads of 16 MiB and more are split).</summary>
    public const int MaxPayload = 0xffffff;

    /// <summary>An EOF packet (protocol 4.1) is 5 bytes; an OK packet with the 0xfe header is at least 7.</summary>
    public const int MaxEofPayload = 5;

    public const byte OkHeader = 0x00;
    public const byte ErrHeader = 0xff;
    public const byte EofHeader = 0xfe;
    public const byte LocalInfileHeader = 0xfb;

    /// <summary>Protocol version byte that starts the server greeting (HandshakeV10).</summary>
    public const byte GreetingProtocolVersion = 0x0a;

    /// <summary>The header at the start of <paramref name="buf"/>; false when fewer than 4 bytes.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> buf, out int payloadLength, out byte sequenceId)
    {
        if (buf.Length < HeaderBytes)
        {
            payloadLength = 0;
            sequenceId = 0;
            return false;
        }

        payloadLength = buf[0] | (buf[1] << 8) | (buf[2] << 16);
        sequenceId = buf[3];
        return true;
    }

    /// <summary>A length-encoded integer at <paramref name="offset"/>, advancing it; false when short or 0xff (not an integer).</summary>
    public static bool TryReadLenEnc(ReadOnlySpan<byte> buf, ref int offset, out ulong value)
    {
        value = 0;
        if ((uint)offset >= (uint)buf.Length)
        {
            return false;
        }

        var first = buf[offset];
        var size = first switch
        {
            < 0xfb => 0,
            0xfc => 2,
            0xfd => 3,
            0xfe => 8,
            _ => -1, // 0xfb is NULL in rows, 0xff an error header
        };
        if (size < 0 || buf.Length - offset - 1 < size)
        {
            return false;
        }

        var p = buf.Slice(offset + 1);
        value = size switch
        {
            0 => first,
            2 => BinaryPrimitives.ReadUInt16LittleEndian(p),
            3 => (ulong)(p[0] | (p[1] << 8) | (p[2] << 16)),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(p),
        };
        offset += 1 + size;
        return true;
    }

    /// <summary>A length-encoded string at <paramref name="offset"/>, advancing it; false when short.</summary>
    public static bool TryReadLenEncString(ReadOnlySpan<byte> buf, ref int offset, out ReadOnlySpan<byte> value)
    {
        value = default;
        var o = offset;
        if (!TryReadLenEnc(buf, ref o, out var len) || len > (ulong)(buf.Length - o))
        {
            return false;
        }

        value = buf.Slice(o, (int)len);
        offset = o + (int)len;
        return true;
    }

    /// <summary>An EOF packet: 0xfe and at most 5 bytes (a 0xfe packet of 7 bytes or more is an OK packet, CLIENT_DEPRECATE_EOF).</summary>
    public static bool IsEof(ReadOnlySpan<byte> payload, int payloadLength) =>
        payload.Length > 0 && payload[0] == EofHeader && payloadLength <= MaxEofPayload;

    /// <summary>A packet that ends a result set: EOF, or OK with the 0xfe header (a row never starts with 0xfe unless 16 MiB long).</summary>
    public static bool IsResultSetEnd(ReadOnlySpan<byte> payload, int payloadLength) =>
        payload.Length > 0 && payload[0] == EofHeader && payloadLength < MaxPayload;

    /// <summary>Server status flags of an EOF packet (0xfe, warnings, status); 0 when short.</summary>
    public static ushort EofStatus(ReadOnlySpan<byte> payload) =>
        payload.Length >= 5 ? BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(3)) : (ushort)0;

    /// <summary>Affected rows and server status of an OK packet (0x00 or 0xfe header); false when malformed.</summary>
    public static bool TryParseOk(ReadOnlySpan<byte> payload, out ulong affectedRows, out ushort status)
    {
        affectedRows = 0;
        status = 0;
        var o = 1;
        if (payload.Length < 1 || !TryReadLenEnc(payload, ref o, out affectedRows) || !TryReadLenEnc(payload, ref o, out _)
            || payload.Length - o < 2)
        {
            return false;
        }

        status = BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(o));
        return true;
    }

    /// <summary>
    /// An ERR packet: 0xff, error code, then (protocol 4.1) '#' and a 5-byte SQL state, then the message.
    /// False when shorter than the header and code.
    /// </summary>
    public static bool TryParseErr(ReadOnlySpan<byte> payload, out ushort code, out ReadOnlySpan<byte> sqlState, out ReadOnlySpan<byte> message)
    {
        code = 0;
        sqlState = message = default;
        if (payload.Length < 3 || payload[0] != ErrHeader)
        {
            return false;
        }

        code = BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(1));
        var rest = payload.Slice(3);
        if (rest.Length >= 6 && rest[0] == (byte)'#')
        {
            sqlState = rest.Slice(1, 5);
            rest = rest.Slice(6);
        }

        message = rest;
        return true;
    }

    /// <summary>
    /// The capability flags of a server greeting (HandshakeV10: version, NUL-terminated server version, connection id,
    /// 8 bytes of auth data, filler, lower flags, charset, status, upper flags).
    /// </summary>
    public static bool TryParseGreeting(ReadOnlySpan<byte> payload, out uint capabilities)
    {
        capabilities = 0;
        if (payload.Length < 2 || payload[0] != GreetingProtocolVersion)
        {
            return false;
        }

        var nul = payload.Slice(1).IndexOf((byte)0);
        if (nul < 0)
        {
            return false;
        }

        var o = 1 + nul + 1 + 4 + 8 + 1;
        if (payload.Length - o < 2)
        {
            return false;
        }

        capabilities = BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(o));
        if (payload.Length - o >= 7)
        {
            capabilities |= (uint)BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(o + 5)) << 16;
        }

        return true;
    }

    /// <summary>The capability flags of a client handshake response or SSL request (protocol 4.1: 4 bytes first, then a zero filler).</summary>
    public static bool TryParseHandshakeResponse(ReadOnlySpan<byte> payload, out uint capabilities)
    {
        capabilities = 0;
        if (payload.Length < 32)
        {
            return false;
        }

        // Flags (4), max packet size (4), charset (1), 23 filler bytes that are zero (MariaDB puts its extended
        // flags in the last 4).
        if (payload.Slice(9, 19).IndexOfAnyExcept((byte)0) >= 0)
        {
            return false;
        }

        capabilities = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        return (capabilities & MysqlCapabilities.Protocol41) != 0;
    }

    /// <summary>
    /// The first bytes of a connection look like MySQL: a server greeting (seq 0, protocol 10, a printable version
    /// string ended by NUL) or a client command (seq 0, a known command byte, a length the bytes do not contradict).
    /// </summary>
    public static bool LooksLikeMysql(ReadOnlySpan<byte> buf) => Classify(buf) != MysqlFirstPacket.None;

    /// <summary>What the first packet of <paramref name="buf"/> is: a server greeting, a client command, or neither.</summary>
    public static MysqlFirstPacket Classify(ReadOnlySpan<byte> buf)
    {
        if (!TryReadHeader(buf, out var len, out var seq) || seq != 0 || len == 0 || buf.Length < 5)
        {
            return MysqlFirstPacket.None;
        }

        var payload = buf.Slice(HeaderBytes, Math.Min(len, buf.Length - HeaderBytes));
        if (LooksLikeGreeting(payload, len))
        {
            return MysqlFirstPacket.Greeting;
        }

        return LooksLikeCommand(payload, len, buf.Length - HeaderBytes) ? MysqlFirstPacket.Command : MysqlFirstPacket.None;
    }

    /// <summary>The first bytes of a request packet's payload look like a command (used to resync and to infer the role).</summary>
    public static bool LooksLikeCommand(ReadOnlySpan<byte> payload, int payloadLength, int available)
    {
        if (payload.IsEmpty || payloadLength < 1 || !MysqlCommands.IsKnown(payload[0]))
        {
            return false;
        }

        // A connection's first write holds the whole command (clients write a packet at once); more bytes than
        // the packet would be a second packet, which must then start with a plausible header.
        if (available > payloadLength && available - payloadLength < HeaderBytes)
        {
            return false;
        }

        var fixedLength = MysqlCommands.FixedLength(payload[0]);
        return fixedLength < 0 ? payloadLength >= MysqlCommands.MinLength(payload[0]) : payloadLength == fixedLength;
    }

    private static bool LooksLikeGreeting(ReadOnlySpan<byte> payload, int len)
    {
        if (payload[0] != GreetingProtocolVersion || len < 32 || payload.Length < 3)
        {
            return false;
        }

        // The version string: printable ASCII up to its NUL ("5.7.44", "10.11.19-MariaDB-0+deb12u1").
        for (var i = 1; i < payload.Length; i++)
        {
            var c = payload[i];
            if (c == 0)
            {
                return i >= 2;
            }

            if (c is < 0x20 or > 0x7e)
            {
                return false;
            }
        }

        return payload.Length < len;
    }
}

/// <summary>What <see cref="MysqlParser.Classify"/> saw.</summary>
public enum MysqlFirstPacket
{
    None,
    Greeting,
    Command,
}

/// <summary>Capability flags that change the wire format (protocol 4.1).</summary>
public static class MysqlCapabilities
{
    public const uint Protocol41 = 0x00000200;
    public const uint Ssl = 0x00000800;
    public const uint QueryAttributes = 0x08000000;
    public const uint DeprecateEof = 0x01000000;
}

/// <summary>Server status flags of OK and EOF packets.</summary>
public static class MysqlServerStatus
{
    public const ushort CursorExists = 0x0040;
    public const ushort MoreResultsExist = 0x0008;
}
