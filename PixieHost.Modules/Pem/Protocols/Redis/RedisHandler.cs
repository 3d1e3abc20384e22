using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Redis;

/// <summary>
/// redis_events: parses both directions of a Redis connection (RESP2/RESP3, inline commands), pairs replies
/// with commands FIFO and writes one row per pair. A message the server pushes to a subscriber becomes a row of
/// its own with req_cmd <see cref="PushPubCommand"/>, empty req_args and zero latency, as Pixie records it.
/// </summary>
public sealed class RedisHandler : IProtocolHandler
{
    /// <summary>Pixie's req_cmd of a pushed pub/sub message (redis stitcher: kPubPushCmd).</summary>
    public static ReadOnlySpan<byte> PushPubCommand => "PUSH PUB"u8;

    private const int ReqCmd = SocketEventsWriter.FirstProtocolColumn;
    private const int ReqArgs = ReqCmd + 1;
    private const int Resp = ReqCmd + 2;
    private const int LatencyColumn = ReqCmd + 3;

    private readonly SocketEventsWriter _writer = new(PemSchemas.RedisEvents);
    private readonly RedisArgs _args = new();
    private readonly RedisText _cmd = new();
    private readonly RedisText _argsText = new();
    private readonly RedisText _resp = new();

    public TrafficProtocol Protocol => TrafficProtocol.Redis;

    public TableSchema Schema => PemSchemas.RedisEvents;

    public ProtocolStats Stats { get; } = new();

    public ProtocolConnection CreateConnection() => new RedisConnection();

    public TraceRole InferRole(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received)
    {
        if (RedisParser.LooksLikeRequest(sent))
        {
            return TraceRole.Client;
        }

        if (RedisParser.LooksLikeRequest(received))
        {
            return TraceRole.Server;
        }

        if (!sent.IsEmpty && sent[0] != '*' && RedisParser.LooksLikeReply(sent))
        {
            return TraceRole.Server;
        }

        return !received.IsEmpty && received[0] != '*' && RedisParser.LooksLikeReply(received) ? TraceRole.Client : TraceRole.Unknown;
    }

    public ProtocolStatus Process(ConnTracker conn, ProtocolConnection state, in ProtocolContext context)
    {
        var s = (RedisConnection)state;
        _argsText.Limit = _resp.Limit = Math.Max(context.MaxStringBytes, 16);
        if (!ParseRequests(conn.RequestStream, s))
        {
            return ProtocolStatus.Unparseable;
        }

        return ParseReplies(conn, conn.ResponseStream, s, context) ? ProtocolStatus.Ok : ProtocolStatus.Unparseable;
    }

    public void Expire(ProtocolConnection state, ulong olderThanNs) =>
        Stats.ExpiredMessages += ((RedisConnection)state).Stitcher.Expire(olderThanNs);

    public void OnClosed(ProtocolConnection state) => Stats.UnansweredRequests += ((RedisConnection)state).Stitcher.Clear();

    public List<RowBatch> TakeBatches() => _writer.TakeBatches();

    /// <summary>Parses every complete command; false when the stream is not Redis at all.</summary>
    private bool ParseRequests(DataStream stream, RedisConnection s)
    {
        while (StepOverGap(stream))
        {
            var buf = stream.Contiguous;
            if (buf.IsEmpty)
            {
                return true;
            }

            if (stream.NeedsResync && !Resync(stream, buf, s, request: true))
            {
                return true;
            }

            buf = stream.Contiguous;
            var r = RedisParser.TryParseRequest(buf, _args, out var consumed);
            if (r == RedisParseResult.NeedMore)
            {
                if (!DropIfStuck(stream, buf.Length))
                {
                    return true;
                }

                continue;
            }

            if (r == RedisParseResult.Malformed)
            {
                if (!Malformed(stream, s))
                {
                    return false;
                }

                continue;
            }

            s.Frames++;
            Stats.FramesParsed++;
            if (_args.Count > 0)
            {
                RedisCommands.Format(buf, _args, _cmd, _argsText, out var extra);
                s.Stitcher.Add(new RedisRequest
                {
                    Command = _cmd.ToArray(),
                    Args = _argsText.ToArray(),
                    ArgsFullLength = _argsText.FullLength,
                    TimestampNs = stream.HeadTimestampNs,
                    ExtraReplies = extra,
                }, Stats);
            }

            stream.Consume(consumed);
        }

        return true;
    }

    private bool ParseReplies(ConnTracker conn, DataStream stream, RedisConnection s, in ProtocolContext context)
    {
        while (StepOverGap(stream))
        {
            var buf = stream.Contiguous;
            if (buf.IsEmpty)
            {
                return true;
            }

            if (stream.NeedsResync && !Resync(stream, buf, s, request: false))
            {
                return true;
            }

            buf = stream.Contiguous;
            var r = RedisParser.TryParseReply(buf, _resp, out var consumed, out var kind);
            if (r == RedisParseResult.NeedMore)
            {
                if (!DropIfStuck(stream, buf.Length))
                {
                    return true;
                }

                continue;
            }

            if (r == RedisParseResult.Malformed)
            {
                if (!Malformed(stream, s))
                {
                    return false;
                }

                continue;
            }

            s.Frames++;
            Stats.FramesParsed++;
            var ts = stream.HeadTimestampNs;
            if (kind == RedisReplyKind.PubMessage)
            {
                WriteRow(conn, PushPubCommand, [], 0, ts, ts, context);
            }
            else if (kind == RedisReplyKind.Reply)
            {
                var req = s.Stitcher.Match(out var absorbed);
                if (req is not null)
                {
                    WriteRow(conn, req.Command, req.Args, req.ArgsFullLength, req.TimestampNs, ts, context);
                }
                else if (!absorbed)
                {
                    Stats.UnmatchedResponses++;
                }
            }

            stream.Consume(consumed);
        }

        return true;
    }

    private void WriteRow(ConnTracker conn, ReadOnlySpan<byte> cmd, ReadOnlySpan<byte> args, long argsFull, ulong reqTs, ulong respTs, in ProtocolContext context)
    {
        var max = context.MaxStringBytes;
        _writer.BeginRow(conn, reqTs, context.RealtimeOffsetNs);
        SocketEventsWriter.AppendTruncated(_writer.String(ReqCmd), cmd, max);
        SocketEventsWriter.AppendTruncated(_writer.String(ReqArgs), args, argsFull, max);
        SocketEventsWriter.AppendTruncated(_writer.String(Resp), _resp.Span, _resp.FullLength, max);
        _writer.Int64(LatencyColumn).Append(SocketEventsWriter.Latency(reqTs, respTs));
        _writer.EndRow();
        Stats.RecordsEmitted++;
    }

    /// <summary>Steps over a gap at the head (lost bytes); the next message must be searched for. False: nothing more to read.</summary>
    private static bool StepOverGap(DataStream stream)
    {
        var gap = stream.GapAtHead;
        if (gap > 0)
        {
            stream.SkipGap(gap);
            stream.NeedsResync = true;
        }

        return !stream.IsEmpty;
    }

    /// <summary>A partial message followed by a gap never completes: drop it. False when it may still complete.</summary>
    private bool DropIfStuck(DataStream stream, int length)
    {
        if (!stream.ContiguousEndsAtGap)
        {
            return false;
        }

        stream.Consume(length);
        Stats.BytesSkipped += length;
        stream.NeedsResync = true;
        return true;
    }

    /// <summary>Bytes that are not RESP: a connection that never parsed is not Redis; otherwise skip and resync.</summary>
    private bool Malformed(DataStream stream, RedisConnection s)
    {
        Stats.ParseErrors++;
        if (s.Frames == 0 && !s.Resynced)
        {
            return false;
        }

        stream.Consume(1);
        Stats.BytesSkipped++;
        stream.NeedsResync = true;
        return true;
    }

    /// <summary>
    /// Moves the head to the first line start where a message (or a prefix of one) parses; false when none is in
    /// the bytes yet (they are consumed, bar a short tail that may start one).
    /// </summary>
    private bool Resync(DataStream stream, ReadOnlySpan<byte> buf, RedisConnection s, bool request)
    {
        for (var i = 0; i < buf.Length; i++)
        {
            if (i > 0 && buf[i - 1] != '\n')
            {
                continue;
            }

            var rest = buf[i..];
            bool fits;
            if (request)
            {
                fits = rest[0] == '*' && (RedisParser.LooksLikeRequest(rest) ||
                    (rest.Length < 64 && RedisParser.TryParseRequest(rest, _args, out _) == RedisParseResult.NeedMore));
            }
            else
            {
                fits = RedisParser.IsTypeByte(rest[0]) && RedisParser.Scan(rest, 0, 0) is >= 0 or -1;
            }

            if (fits)
            {
                stream.Consume(i);
                Stats.BytesSkipped += i;
                stream.NeedsResync = false;
                s.Resynced = true;
                return true;
            }
        }

        // Keep a partial last line: it may be the start of the next message.
        var keep = buf.Length - (buf.LastIndexOf((byte)'\n') + 1);
        stream.Consume(buf.Length - keep);
        Stats.BytesSkipped += buf.Length - keep;
        if (keep > 0 && keep == buf.Length)
        {
            // One line without an end: wait, unless it can never end (a gap follows).
            if (stream.ContiguousEndsAtGap || keep > RedisParser.MaxInlineBytes)
            {
                stream.Consume(keep);
                Stats.BytesSkipped += keep;
            }
        }

        return false;
    }
}

/// <summary>Per-connection state of <see cref="RedisHandler"/>.</summary>
public sealed class RedisConnection : ProtocolConnection
{
    public RedisStitcher Stitcher { get; } = new();

    /// <summary>Messages parsed (both directions): a connection that parsed none is not Redis.</summary>
    internal long Frames;

    /// <summary>A resync found a message start after skipped bytes.</summary>
    internal bool Resynced;
}
