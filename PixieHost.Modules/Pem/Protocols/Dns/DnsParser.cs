using System.Buffers.Binary;
using System.Net;

namespace PixieHost.Modules.Pem.Protocols.Dns;

/// <summary>What one <c>Try*</c> call of <see cref="DnsParser"/> found at the head of the bytes.</summary>
public enum DnsParseResult
{
    Ok,

    /// <summary>The bytes end inside the message.</summary>
    NeedMore,

    /// <summary>Not a DNS message (bad label, pointer loop, counts past the limits).</summary>
    Malformed,
}

/// <summary>
/// DNS messages (RFC 1035) over spans. A message's end is found by walking every section (over UDP the
/// datagrams of a socket arrive concatenated, with no length), and the walk renders Pixie's dns_events JSON as
/// it goes: the header object (txid, qr, opcode, aa, tc, rd, ra, ad, cd, rcode and the four counts), then for a
/// query <c>{"queries":[{"name":…,"type":…}]}</c> and for a response <c>{"answers":[{"name":…,"type":…,"addr":…}]}</c>
/// (<c>"cname"</c> instead of <c>"addr"</c> for CNAME; other record types with name and type only).
/// </summary>
public static class DnsParser
{
    public const int HeaderBytes = 12;

    /// <summary>Records in one message (all sections); a 64 KiB message of minimal records holds ~5,000.</summary>
    public const int MaxRecords = 4096;

    /// <summary>Compression pointers followed per name; real names need 1-2.</summary>
    public const int MaxPointerJumps = 32;

    private const int MaxNameBytes = 255;

    /// <summary>
    /// Whether the bytes start with a plausible DNS header: opcode 0 (QUERY), no Z bit, rcode defined, a query
    /// with exactly one question and no answers, a response with at most one question and small counts.
    /// </summary>
    public static bool LooksLikeDns(ReadOnlySpan<byte> buf)
    {
        if (buf.Length < HeaderBytes)
        {
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(buf[2..]);
        var qd = BinaryPrimitives.ReadUInt16BigEndian(buf[4..]);
        var an = BinaryPrimitives.ReadUInt16BigEndian(buf[6..]);
        var ns = BinaryPrimitives.ReadUInt16BigEndian(buf[8..]);
        var ar = BinaryPrimitives.ReadUInt16BigEndian(buf[10..]);
        if (((flags >> 11) & 0xF) != 0 || (flags & 0x40) != 0 || (flags & 0xF) > 10)
        {
            return false;
        }

        var isResponse = (flags & 0x8000) != 0;
        return isResponse
            ? qd <= 1 && an <= 256 && ns <= 64 && ar <= 64
            : qd == 1 && an == 0 && ns <= 1 && ar <= 4 && (flags & 0x0780) == (flags & 0x0100);
    }

    /// <summary>Parses the message at the head of <paramref name="buf"/>; <paramref name="consumed"/> is its length.</summary>
    public static DnsParseResult TryParse(ReadOnlySpan<byte> buf, DnsMessage msg, out int consumed)
    {
        consumed = 0;
        msg.Header.Clear();
        msg.Body.Clear();
        if (buf.Length < HeaderBytes)
        {
            return DnsParseResult.NeedMore;
        }

        msg.TxId = BinaryPrimitives.ReadUInt16BigEndian(buf);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(buf[2..]);
        msg.Flags = flags;
        var qd = BinaryPrimitives.ReadUInt16BigEndian(buf[4..]);
        var an = BinaryPrimitives.ReadUInt16BigEndian(buf[6..]);
        var ns = BinaryPrimitives.ReadUInt16BigEndian(buf[8..]);
        var ar = BinaryPrimitives.ReadUInt16BigEndian(buf[10..]);
        if (qd + an + ns + ar > MaxRecords)
        {
            return DnsParseResult.Malformed;
        }

        WriteHeader(msg.Header, msg.TxId, flags, qd, an, ns, ar);
        var body = msg.Body;
        var isResponse = msg.IsResponse;
        body.Append(isResponse ? "{\"answers\":["u8 : "{\"queries\":["u8);
        Span<byte> name = stackalloc byte[MaxNameBytes + 64];
        var p = HeaderBytes;
        var items = 0;
        for (var i = 0; i < qd; i++)
        {
            var r = ReadName(buf, p, name, out var nameLen, out p);
            if (r != DnsParseResult.Ok)
            {
                return r;
            }

            if (p + 4 > buf.Length)
            {
                return DnsParseResult.NeedMore;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(buf[p..]);
            p += 4;
            if (!isResponse)
            {
                Item(body, ref items, name[..nameLen], type);
                body.Append((byte)'}');
            }
        }

        for (var i = 0; i < an + ns + ar; i++)
        {
            var r = ReadName(buf, p, name, out var nameLen, out p);
            if (r != DnsParseResult.Ok)
            {
                return r;
            }

            if (p + 10 > buf.Length)
            {
                return DnsParseResult.NeedMore;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(buf[p..]);
            var rdLen = BinaryPrimitives.ReadUInt16BigEndian(buf[(p + 8)..]);
            var rd = p + 10;
            p = rd + rdLen;
            if (p > buf.Length)
            {
                return DnsParseResult.NeedMore;
            }

            if (isResponse && i < an)
            {
                r = Answer(buf, rd, rdLen, type, name[..nameLen], body, ref items);
                if (r != DnsParseResult.Ok)
                {
                    return r;
                }
            }
        }

        body.Append("]}"u8);
        consumed = p;
        return DnsParseResult.Ok;
    }

    /// <summary>Pixie's header JSON, in its key order.</summary>
    public static void WriteHeader(DnsJson j, ushort txid, ushort flags, int qd, int an, int ns, int ar)
    {
        j.Append((byte)'{');
        j.Field("txid"u8, txid, first: true);
        j.Field("qr"u8, (uint)(flags >> 15) & 1);
        j.Field("opcode"u8, (uint)(flags >> 11) & 0xF);
        j.Field("aa"u8, (uint)(flags >> 10) & 1);
        j.Field("tc"u8, (uint)(flags >> 9) & 1);
        j.Field("rd"u8, (uint)(flags >> 8) & 1);
        j.Field("ra"u8, (uint)(flags >> 7) & 1);
        j.Field("ad"u8, (uint)(flags >> 5) & 1);
        j.Field("cd"u8, (uint)(flags >> 4) & 1);
        j.Field("rcode"u8, (uint)flags & 0xF);
        j.Field("num_queries"u8, (uint)qd);
        j.Field("num_answers"u8, (uint)an);
        j.Field("num_auth"u8, (uint)ns);
        j.Field("num_addl"u8, (uint)ar);
        j.Append((byte)'}');
    }

    private static DnsParseResult Answer(ReadOnlySpan<byte> msg, int rd, int rdLen, ushort type, ReadOnlySpan<byte> name, DnsJson body, ref int items)
    {
        Item(body, ref items, name, type);
        if (type == 1 && rdLen == 4)
        {
            body.Append(",\"addr\":\""u8);
            for (var k = 0; k < 4; k++)
            {
                if (k > 0)
                {
                    body.Append((byte)'.');
                }

                body.Append((uint)msg[rd + k]);
            }

            body.Append((byte)'"');
        }
        else if (type == 28 && rdLen == 16)
        {
            Span<byte> text = stackalloc byte[64];
            new IPAddress(msg.Slice(rd, 16)).TryFormat(text, out var n);
            body.Append(",\"addr\":\""u8);
            body.Append(text[..n]);
            body.Append((byte)'"');
        }
        else if (type == 5)
        {
            Span<byte> cname = stackalloc byte[MaxNameBytes + 64];
            // The target may point anywhere before it in the message, but must end inside the record.
            var r = ReadName(msg[..(rd + rdLen)], rd, cname, out var len, out _);
            if (r != DnsParseResult.Ok)
            {
                return DnsParseResult.Malformed;
            }

            body.Append(",\"cname\":"u8);
            body.String(cname[..len]);
        }

        body.Append((byte)'}');
        return DnsParseResult.Ok;
    }

    private static void Item(DnsJson body, ref int items, ReadOnlySpan<byte> name, ushort type)
    {
        if (items++ > 0)
        {
            body.Append((byte)',');
        }

        body.Append("{\"name\":"u8);
        body.String(name);
        body.Append(",\"type\":\""u8);
        AppendType(body, type);
        body.Append((byte)'"');
    }

    /// <summary>The mnemonic of a record type, or "TYPE&lt;n&gt;" (RFC 3597) for the rest.</summary>
    public static void AppendType(DnsJson j, ushort type)
    {
        var s = type switch
        {
            1 => "A"u8, 2 => "NS"u8, 5 => "CNAME"u8, 6 => "SOA"u8, 12 => "PTR"u8, 13 => "HINFO"u8, 15 => "MX"u8,
            16 => "TXT"u8, 28 => "AAAA"u8, 33 => "SRV"u8, 35 => "NAPTR"u8, 39 => "DNAME"u8, 41 => "OPT"u8,
            43 => "DS"u8, 46 => "RRSIG"u8, 47 => "NSEC"u8, 48 => "DNSKEY"u8, 64 => "SVCB"u8, 65 => "HTTPS"u8,
            99 => "SPF"u8, 251 => "IXFR"u8, 252 => "AXFR"u8, 255 => "ANY"u8, 257 => "CAA"u8,
            _ => default,
        };
        if (s.IsEmpty)
        {
            j.Append("TYPE"u8);
            j.Append(type);
        }
        else
        {
            j.Append(s);
        }
    }

    /// <summary>
    /// Reads the (possibly compressed) name at <paramref name="pos"/> as dotted text into <paramref name="dst"/>;
    /// <paramref name="next"/> is the offset after it where it starts. A pointer must point before itself and at
    /// most <see cref="MaxPointerJumps"/> are followed, so crafted loops end.
    /// </summary>
    public static DnsParseResult ReadName(ReadOnlySpan<byte> msg, int pos, Span<byte> dst, out int written, out int next)
    {
        written = 0;
        next = -1;
        var p = pos;
        var jumps = 0;
        while (true)
        {
            if (p >= msg.Length)
            {
                return jumps == 0 ? DnsParseResult.NeedMore : DnsParseResult.Malformed;
            }

            var len = msg[p];
            if (len == 0)
            {
                if (next < 0)
                {
                    next = p + 1;
                }

                return DnsParseResult.Ok;
            }

            if ((len & 0xC0) == 0xC0)
            {
                if (p + 1 >= msg.Length)
                {
                    return jumps == 0 ? DnsParseResult.NeedMore : DnsParseResult.Malformed;
                }

                var target = ((len & 0x3F) << 8) | msg[p + 1];
                if (next < 0)
                {
                    next = p + 2;
                }

                if (target >= p || ++jumps > MaxPointerJumps)
                {
                    return DnsParseResult.Malformed;
                }

                p = target;
                continue;
            }

            if ((len & 0xC0) != 0)
            {
                return DnsParseResult.Malformed;
            }

            if (p + 1 + len > msg.Length)
            {
                return jumps == 0 ? DnsParseResult.NeedMore : DnsParseResult.Malformed;
            }

            if (written + len + 1 > MaxNameBytes)
            {
                return DnsParseResult.Malformed;
            }

            if (written > 0)
            {
                dst[written++] = (byte)'.';
            }

            msg.Slice(p + 1, len).CopyTo(dst[written..]);
            written += len;
            p += 1 + len;
        }
    }
}
