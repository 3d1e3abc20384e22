using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>
/// MySQL (and MariaDB) tracing: commands and their responses become mysql_events rows, as Pixie writes them:
/// req_cmd is the command byte, req_body the query (a COM_STMT_EXECUTE shows its prepared text with the
/// parameters filled in), resp_status 1 none / 2 OK / 3 ERR, resp_body the error message or
/// "Resultset rows = N", latency from the command to the last packet of its response. The handshake makes no
/// row; it tells the capability flags. Commands without a response (COM_STMT_CLOSE, COM_QUIT,
/// COM_STMT_SEND_LONG_DATA) make a row of status none and latency 0.
/// </summary>
public sealed partial class MysqlHandler : IProtocolHandler
{
    /// <summary>Bytes of a command packet looked at: a COM_STMT_EXECUTE's parameters (longer ones stay '?').</summary>
    private const int RequestPrefixBytes = 16 * 1024;

    /// <summary>Bytes of a response packet looked at: an ERR message of up to 4 KiB; rows need only their first byte.</summary>
    private const int ResponsePrefixBytes = 4 * 1024 + 16;

    /// <summary>Bytes skipped with no packet recognised after which the connection is not MySQL.</summary>
    private const int UnparseableBytes = 64 * 1024;

    private readonly SocketEventsWriter _writer = new(PemSchemas.MysqlEvents);
    private byte[] _scratch = new byte[1024];

    public TrafficProtocol Protocol => TrafficProtocol.Mysql;

    public TableSchema Schema => PemSchemas.MysqlEvents;

    public ProtocolStats Stats { get; } = new();

    public ProtocolConnection CreateConnection() => new MysqlConnection();

    public TraceRole InferRole(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received)
    {
        // The greeting comes from the server; a command from the client.
        var r = MysqlParser.Classify(received);
        if (r != MysqlFirstPacket.None)
        {
            return r == MysqlFirstPacket.Greeting ? TraceRole.Client : TraceRole.Server;
        }

        var s = MysqlParser.Classify(sent);
        if (s != MysqlFirstPacket.None)
        {
            return s == MysqlFirstPacket.Greeting ? TraceRole.Server : TraceRole.Client;
        }

        // Met mid-way: a whole command packet that ends the bytes held, a little after their start.
        if (MysqlResync.FindWholeCommand(received))
        {
            return TraceRole.Server;
        }

        return MysqlResync.FindWholeCommand(sent) ? TraceRole.Client : TraceRole.Unknown;
    }

    public ProtocolStatus Process(ConnTracker conn, ProtocolConnection state, in ProtocolContext context)
    {
        var s = (MysqlConnection)state;
        var skippedBefore = s.Requests.BytesSkipped + s.Responses.BytesSkipped;
        ParseRequests(conn, s, context);
        ParseResponses(conn, s, context);
        var skipped = s.Requests.BytesSkipped + s.Responses.BytesSkipped;
        Stats.BytesSkipped += skipped - skippedBefore;
        if (s.SslRequested && !conn.Encrypted)
        {
            // The rest is TLS records; their plaintext, if the TLS probes see it, comes flagged as encrypted.
            return ProtocolStatus.Unparseable;
        }

        return s.FramesParsed == 0 && skipped + s.UnrecognizedBytes > UnparseableBytes ? ProtocolStatus.Unparseable : ProtocolStatus.Ok;
    }

    public void Expire(ProtocolConnection state, ulong olderThanNs)
    {
        var s = (MysqlConnection)state;
        if (s.Response.InProgress && s.Response.LastTimestampNs < olderThanNs)
        {
            s.Response.Abandon();
            if (s.ResponseHasRequest && s.Stitcher.TryPeek(out _))
            {
                s.Stitcher.Return(s.Stitcher.Dequeue());
                Stats.ExpiredMessages++;
            }

            s.ResponseHasRequest = false;
        }

        // A long result set still streaming keeps its request, however old.
        if (!(s.Response.InProgress && s.ResponseHasRequest))
        {
            Stats.ExpiredMessages += s.Stitcher.Expire(olderThanNs);
        }
    }

    public void OnClosed(ProtocolConnection state)
    {
        var s = (MysqlConnection)state;
        s.Response.Abandon();
        s.ResponseHasRequest = false;
        Stats.UnansweredRequests += s.Stitcher.Clear();
    }

    public List<RowBatch> TakeBatches() => _writer.TakeBatches();

    private void ParseRequests(ConnTracker conn, MysqlConnection s, in ProtocolContext context)
    {
        var stream = conn.RequestStream;
        while (true)
        {
            var st = s.Requests.TryPeek(stream, RequestPrefixBytes, out var p, out var payload);
            if (st == MysqlReadStatus.NeedMore)
            {
                return;
            }

            if (st == MysqlReadStatus.Lost)
            {
                Stats.ParseErrors++;
                continue;
            }

            OnRequestPacket(s, p, payload, context);
            s.Requests.Commit(stream);
        }
    }

    private void OnRequestPacket(MysqlConnection s, in MysqlPacket p, ReadOnlySpan<byte> payload, in ProtocolContext context)
    {
        if (p.IsContinuation)
        {
            return;
        }

        if (p.SequenceId != 0)
        {
            // Handshake response (seq 1, or 2 after an SSL request), auth data, LOCAL INFILE contents.
            if (!s.SawHandshakeResponse && p.SequenceId <= 2 && MysqlParser.TryParseHandshakeResponse(payload, out var caps))
            {
                s.SawHandshakeResponse = true;
                s.ClientCapabilities = caps;
                s.FramesParsed++;
                Stats.FramesParsed++;
                if ((caps & MysqlCapabilities.Ssl) != 0 && p.PayloadLength == 32)
                {
                    s.SslRequested = true;
                }
            }
            else if (s.FramesParsed == 0)
            {
                s.UnrecognizedBytes += p.PayloadLength;
            }

            return;
        }

        if (payload.IsEmpty || !MysqlCommands.IsKnown(payload[0]))
        {
            Stats.ParseErrors++;
            s.UnrecognizedBytes += p.PayloadLength;
            return;
        }

        var cmd = payload[0];
        var body = payload[1..];
        long full = p.PayloadLength - 1;
        if (cmd == MysqlCommands.Query)
        {
            var strip = QueryAttributesPrefix(s, body);
            body = body[strip..];
            full -= strip;
        }

        var keep = cmd switch
        {
            MysqlCommands.StmtExecute => RequestPrefixBytes,
            MysqlCommands.StmtPrepare => Math.Max(context.MaxStringBytes, 256) * 4,
            _ when MysqlCommands.HasTextArgument(cmd) => context.MaxStringBytes,
            _ => 16,
        };
        var req = s.Stitcher.Rent();
        req.Set(cmd, body, full, p.TimestampNs, keep);
        if (s.Stitcher.Enqueue(req))
        {
            Stats.ExpiredMessages++;
        }

        s.FramesParsed++;
        Stats.FramesParsed++;
    }

    /// <summary>
    /// Bytes before the query text of a COM_QUERY with MySQL 8 query attributes: parameter count and parameter set
    /// count (0 and 1 when the client sets no attribute). Attributes with values are left in (rare).
    /// </summary>
    private static int QueryAttributesPrefix(MysqlConnection s, ReadOnlySpan<byte> body)
    {
        var known = s.SawHandshakeResponse;
        if ((known && !s.QueryAttributes) || body.Length < 2)
        {
            return 0;
        }

        // A query never starts with NUL: 0x00 0x01 is the prefix even when the handshake was not seen.
        return body[0] == 0 && body[1] == 1 ? 2 : 0;
    }

    private void ParseResponses(ConnTracker conn, MysqlConnection s, in ProtocolContext context)
    {
        var stream = conn.ResponseStream;
        while (true)
        {
            EmitWithoutResponse(conn, s, context);
            if (stream.NeedsResync)
            {
                DropUnrequestedResponseBytes(s, stream);
            }

            var st = s.Responses.TryPeek(stream, ResponsePrefixBytes, out var p, out var payload);
            if (st == MysqlReadStatus.NeedMore)
            {
                if (stream.IsClosed && stream.IsEmpty)
                {
                    DrainAtClose(conn, s, context);
                }

                return;
            }

            if (st == MysqlReadStatus.Lost)
            {
                Stats.ParseErrors++;
                s.ResponsesLost = true;
                if (s.Response.InProgress)
                {
                    s.Response.Abandon();
                    DropCurrentRequest(s);
                }

                continue;
            }

            if (s.Response.InProgress)
            {
                var r = s.Response.Feed(p, payload);
                if (r != MysqlFeedResult.NotMine)
                {
                    s.Responses.Commit(stream);
                    if (r == MysqlFeedResult.Done)
                    {
                        Finish(conn, s, context);
                    }

                    continue;
                }

                // The response ended before this packet (a defect of the sender, or bytes we misread): close it.
                Finish(conn, s, context);
            }

            Start(conn, s, p, payload, context);
            s.Responses.Commit(stream);
        }
    }

    /// <summary>
    /// After lost bytes the response stream is scanned for a packet start, and inside rows a seq-1 header with a
    /// plausible chain is easy to find by chance. Bytes written before the oldest pending request answer nothing
    /// that can be paired: they are dropped instead of scanned (the greeting excepted, for its capability flags).
    /// </summary>
    private void DropUnrequestedResponseBytes(MysqlConnection s, DataStream stream)
    {
        if (s.Response.InProgress)
        {
            return;
        }

        var hasRequest = s.Stitcher.TryPeek(out var head);
        while (true)
        {
            var view = stream.Contiguous;
            if (view.IsEmpty || (hasRequest && stream.HeadTimestampNs >= head.TimestampNs)
                || MysqlParser.Classify(view) == MysqlFirstPacket.Greeting)
            {
                return;
            }

            // Without a request, everything held goes; with one, up to the first event written after it.
            var n = hasRequest ? 1 : view.Length;
            stream.Consume(n);
            Stats.BytesSkipped += n;
        }
    }

    private void Start(ConnTracker conn, MysqlConnection s, in MysqlPacket p, ReadOnlySpan<byte> payload, in ProtocolContext context)
    {
        if (p.SequenceId != 1 || p.IsContinuation)
        {
            // Not a response's first packet: the greeting (seq 0), auth exchange (seq 2+), an optional trailing EOF.
            if (p.SequenceId == 0 && MysqlParser.TryParseGreeting(payload, out var caps))
            {
                s.ServerCapabilities = caps;
                s.FramesParsed++;
                Stats.FramesParsed++;
            }

            return;
        }

        if (s.ResponsesLost)
        {
            // Responses were lost: the requests they answered are not answered by this one. Keep the latest
            // request sent before it (MySQL answers one command at a time).
            s.ResponsesLost = false;
            while (s.Stitcher.PendingRequests > 1 && s.Stitcher.TryPeek(out var head) && head.TimestampNs <= p.TimestampNs
                   && s.Stitcher.SecondSentBy(p.TimestampNs))
            {
                s.Stitcher.Return(s.Stitcher.Dequeue());
                Stats.UnansweredRequests++;
            }
        }

        byte cmd = 0xff;
        s.ResponseHasRequest = false;
        if (s.Stitcher.TryPeek(out var req) && req.TimestampNs <= p.TimestampNs)
        {
            cmd = req.Command;
            s.ResponseHasRequest = true;
        }

        s.FramesParsed++;
        Stats.FramesParsed++;
        if (s.Response.Begin(cmd, p, payload) == MysqlFeedResult.Done)
        {
            Finish(conn, s, context);
        }
    }

    /// <summary>The response just parsed ended: a row for it and its request, or a count when it had none.</summary>
    private void Finish(ConnTracker conn, MysqlConnection s, in ProtocolContext context)
    {
        var resp = s.Response;
        if (!s.ResponseHasRequest || !s.Stitcher.TryPeek(out _))
        {
            Stats.UnmatchedResponses++;
            return;
        }

        s.ResponseHasRequest = false;
        var req = s.Stitcher.Dequeue();
        if (resp.Prepared && req.Command == MysqlCommands.StmtPrepare)
        {
            s.Statements.Add(resp.PreparedStatementId, req.Body, req.FullLength, resp.PreparedParams);
        }

        WriteRow(conn, s, req, resp.Status, resp.LastTimestampNs, resp, context);
        s.Stitcher.Return(req);
    }

    private void DropCurrentRequest(MysqlConnection s)
    {
        if (s.ResponseHasRequest && s.Stitcher.TryPeek(out _))
        {
            s.Stitcher.Return(s.Stitcher.Dequeue());
            Stats.UnansweredRequests++;
        }

        s.ResponseHasRequest = false;
    }

    /// <summary>
    /// The server's side is closed and parsed to its end: no response will come. The response cut short and the
    /// requests still waiting are dropped; the commands that never get a response (a final COM_QUIT) still make rows.
    /// </summary>
    private void DrainAtClose(ConnTracker conn, MysqlConnection s, in ProtocolContext context)
    {
        if (s.Response.InProgress)
        {
            s.Response.Abandon();
            DropCurrentRequest(s);
        }

        while (s.Stitcher.TryPeek(out var req))
        {
            if (MysqlCommands.HasNoResponse(req.Command))
            {
                EmitWithoutResponse(conn, s, context);
                continue;
            }

            s.Stitcher.Return(s.Stitcher.Dequeue());
            Stats.UnansweredRequests++;
        }
    }

    /// <summary>Rows for the commands at the head of the queue that get no response.</summary>
    private void EmitWithoutResponse(ConnTracker conn, MysqlConnection s, in ProtocolContext context)
    {
        while (!s.Response.InProgress && s.Stitcher.TryPeek(out var req) && MysqlCommands.HasNoResponse(req.Command))
        {
            s.Stitcher.Dequeue();
            if (req.Command == MysqlCommands.StmtClose)
            {
                s.Statements.Remove(MysqlExecuteRenderer.StatementId(req.Body));
            }

            WriteRow(conn, s, req, MysqlRespStatus.None, req.TimestampNs, null, context);
            s.Stitcher.Return(req);
        }
    }
}
