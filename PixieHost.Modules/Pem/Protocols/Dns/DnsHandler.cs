using System.Buffers.Binary;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Dns;

/// <summary>
/// dns_events: parses the queries and responses of a DNS socket, over UDP (datagrams back to back in the
/// stream, each one's end found by walking its sections) or TCP (2-byte length prefix), pairs them by
/// transaction id and writes one row per pair. A datagram that does not parse is skipped and counted; the
/// parser then searches for the next plausible header.
/// </summary>
public sealed class DnsHandler : IProtocolHandler
{
    private const int ReqHeader = SocketEventsWriter.FirstProtocolColumn;
    private const int ReqBody = ReqHeader + 1;
    private const int RespHeader = ReqHeader + 2;
    private const int RespBody = ReqHeader + 3;
    private const int LatencyColumn = ReqHeader + 4;
    private const int TcpPrefix = 2;

    private readonly SocketEventsWriter _writer = new(PemSchemas.DnsEvents);
    private readonly DnsMessage _msg = new();

    public TrafficProtocol Protocol => TrafficProtocol.Dns;

    public TableSchema Schema => PemSchemas.DnsEvents;

    public ProtocolStats Stats { get; } = new();

    public ProtocolConnection CreateConnection() => new DnsConnection();

    public TraceRole InferRole(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received)
    {
        var s = QrBit(sent);
        if (s >= 0)
        {
            return s == 0 ? TraceRole.Client : TraceRole.Server;
        }

        var r = QrBit(received);
        return r < 0 ? TraceRole.Unknown : r == 0 ? TraceRole.Server : TraceRole.Client;
    }

    public ProtocolStatus Process(ConnTracker conn, ProtocolConnection state, in ProtocolContext context)
    {
        var s = (DnsConnection)state;
        if (!ParseStream(conn, conn.RequestStream, s, context) || !ParseStream(conn, conn.ResponseStream, s, context))
        {
            return ProtocolStatus.Unparseable;
        }

        return ProtocolStatus.Ok;
    }

    public void Expire(ProtocolConnection state, ulong olderThanNs) =>
        Stats.ExpiredMessages += ((DnsConnection)state).Stitcher.Expire(olderThanNs);

    public void OnClosed(ProtocolConnection state) => Stats.UnansweredRequests += ((DnsConnection)state).Stitcher.Clear();

    public List<RowBatch> TakeBatches() => _writer.TakeBatches();

    /// <summary>The QR bit of the message the bytes start with (bare or length-prefixed); -1 when they do not look like DNS.</summary>
    private static int QrBit(ReadOnlySpan<byte> b)
    {
        if (DnsParser.LooksLikeDns(b))
        {
            return b[2] >> 7;
        }

        if (b.Length >= TcpPrefix + DnsParser.HeaderBytes && BinaryPrimitives.ReadUInt16BigEndian(b) >= DnsParser.HeaderBytes &&
            DnsParser.LooksLikeDns(b[TcpPrefix..]))
        {
            return b[TcpPrefix + 2] >> 7;
        }

        return -1;
    }

    /// <summary>Parses every complete message of one direction; false when the socket is not DNS at all.</summary>
    private bool ParseStream(ConnTracker conn, DataStream stream, DnsConnection s, in ProtocolContext context)
    {
        var datagram = conn.IsDatagram;
        while (true)
        {
            var gap = stream.GapAtHead;
            if (gap > 0)
            {
                stream.SkipGap(gap);
                stream.NeedsResync = true;
            }

            var buf = stream.Contiguous;
            if (buf.IsEmpty)
            {
                return true;
            }

            if (stream.NeedsResync && !Resync(stream, buf, datagram, s))
            {
                return true;
            }

            buf = stream.Contiguous;
            int consumed;
            DnsParseResult r;
            if (datagram)
            {
                // Every datagram is whole in the stream: running out of bytes means this one is broken.
                r = DnsParser.TryParse(buf, _msg, out consumed);
                r = r == DnsParseResult.NeedMore ? DnsParseResult.Malformed : r;
            }
            else
            {
                r = TryParseTcp(buf, out consumed);
            }

            if (r == DnsParseResult.NeedMore)
            {
                if (!stream.ContiguousEndsAtGap)
                {
                    return true;
                }

                // The rest of the message was lost: it never completes.
                Stats.BytesSkipped += buf.Length;
                stream.Consume(buf.Length);
                stream.NeedsResync = true;
                continue;
            }

            if (r == DnsParseResult.Malformed)
            {
                Stats.ParseErrors++;
                if (s.Frames == 0 && !s.Resynced)
                {
                    return false;
                }

                Stats.BytesSkipped++;
                stream.Consume(1);
                stream.NeedsResync = true;
                continue;
            }

            if (consumed > 0 && _msg.Header.Length > 0)
            {
                s.Frames++;
                Stats.FramesParsed++;
                OnMessage(conn, s, stream.HeadTimestampNs, context);
            }

            stream.Consume(consumed);
        }
    }

    /// <summary>A length-prefixed message; a prefixed frame whose content is not DNS is skipped whole (its length is known).</summary>
    private DnsParseResult TryParseTcp(ReadOnlySpan<byte> buf, out int consumed)
    {
        consumed = 0;
        if (buf.Length < TcpPrefix)
        {
            return DnsParseResult.NeedMore;
        }

        var len = BinaryPrimitives.ReadUInt16BigEndian(buf);
        if (len < DnsParser.HeaderBytes)
        {
            return DnsParseResult.Malformed;
        }

        if (buf.Length < TcpPrefix + len)
        {
            return DnsParseResult.NeedMore;
        }

        consumed = TcpPrefix + len;
        if (DnsParser.TryParse(buf.Slice(TcpPrefix, len), _msg, out _) != DnsParseResult.Ok)
        {
            Stats.ParseErrors++;
            Stats.BytesSkipped += consumed;
            _msg.Header.Clear();
        }

        return DnsParseResult.Ok;
    }

    private void OnMessage(ConnTracker conn, DnsConnection s, ulong ts, in ProtocolContext context)
    {
        if (!_msg.IsResponse)
        {
            s.Stitcher.Add(new DnsRequest { TxId = _msg.TxId, Header = _msg.Header.ToArray(), Body = _msg.Body.ToArray(), TimestampNs = ts }, Stats);
            return;
        }

        var req = s.Stitcher.Match(_msg.TxId);
        if (req is null)
        {
            Stats.UnmatchedResponses++;
            return;
        }

        var max = context.MaxStringBytes;
        _writer.BeginRow(conn, req.TimestampNs, context.RealtimeOffsetNs);
        SocketEventsWriter.AppendTruncated(_writer.String(ReqHeader), req.Header, max);
        SocketEventsWriter.AppendTruncated(_writer.String(ReqBody), req.Body, max);
        SocketEventsWriter.AppendTruncated(_writer.String(RespHeader), _msg.Header.Span, max);
        SocketEventsWriter.AppendTruncated(_writer.String(RespBody), _msg.Body.Span, max);
        _writer.Int64(LatencyColumn).Append(SocketEventsWriter.Latency(req.TimestampNs, ts));
        _writer.EndRow();
        Stats.RecordsEmitted++;
    }

    /// <summary>
    /// Moves the head to the first offset where a whole message parses (UDP) or a plausible prefixed header
    /// starts (TCP); false when there is none yet (the bytes that cannot start one are consumed).
    /// </summary>
    private bool Resync(DataStream stream, ReadOnlySpan<byte> buf, bool datagram, DnsConnection s)
    {
        var minTail = datagram ? DnsParser.HeaderBytes : TcpPrefix + DnsParser.HeaderBytes;
        for (var i = 0; i + minTail <= buf.Length; i++)
        {
            bool fits;
            if (datagram)
            {
                fits = DnsParser.LooksLikeDns(buf[i..]) && DnsParser.TryParse(buf[i..], _msg, out _) == DnsParseResult.Ok;
            }
            else
            {
                fits = BinaryPrimitives.ReadUInt16BigEndian(buf[i..]) >= DnsParser.HeaderBytes && DnsParser.LooksLikeDns(buf[(i + TcpPrefix)..]);
            }

            if (fits)
            {
                Stats.BytesSkipped += i;
                stream.Consume(i);
                stream.NeedsResync = false;
                s.Resynced = true;
                return true;
            }
        }

        // UDP: whole datagrams, nothing more will complete these bytes. TCP: a short tail may start a header.
        var drop = datagram || stream.ContiguousEndsAtGap ? buf.Length : Math.Max(0, buf.Length - minTail + 1);
        Stats.BytesSkipped += drop;
        stream.Consume(drop);
        return false;
    }
}

/// <summary>Per-socket state of <see cref="DnsHandler"/>.</summary>
public sealed class DnsConnection : ProtocolConnection
{
    public DnsStitcher Stitcher { get; } = new();

    /// <summary>Messages parsed: a socket that parsed none is not DNS.</summary>
    internal long Frames;

    internal bool Resynced;
}
