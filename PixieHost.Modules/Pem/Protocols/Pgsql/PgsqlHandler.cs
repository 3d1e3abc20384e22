using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>
/// PostgreSQL: parses both streams of a connection into messages, pairs them (<see cref="PgsqlStitcher"/>) and
/// writes pgsql_events rows (req_cmd, req, resp, latency). Strings are capped at the context's MaxStringBytes
/// (1024) with "... [TRUNCATED]".
/// </summary>
public sealed class PgsqlHandler : IProtocolHandler
{
    /// <summary>Bytes skipped without one message parsed before a connection is given up as not PostgreSQL.</summary>
    public const int GiveUpBytes = 64 * 1024;

    /// <summary>Response bytes kept while no request is pending; past this they are parsed and dropped as unmatched.</summary>
    public const int HoldResponseBytes = 64 * 1024;

    private readonly SocketEventsWriter _writer = new(PemSchemas.PgsqlEvents);
    private readonly RowSink _sink;

    public PgsqlHandler()
    {
        _sink = new RowSink(this);
    }

    public TrafficProtocol Protocol => TrafficProtocol.Pgsql;

    public TableSchema Schema => PemSchemas.PgsqlEvents;

    public ProtocolStats Stats { get; } = new();

    /// <summary>Rows written and not yet taken.</summary>
    public int RowCount => _writer.RowCount;

    public ProtocolConnection CreateConnection() => new PgsqlConnection();

    public TraceRole InferRole(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received) =>
        (TraceRole)PgsqlParser.InferRole(sent, received);

    public ProtocolStatus Process(ConnTracker conn, ProtocolConnection state, in ProtocolContext context)
    {
        var s = (PgsqlConnection)state;
        var req = conn.RequestStream;
        var resp = conn.ResponseStream;
        _sink.Conn = conn;
        _sink.RealtimeOffsetNs = context.RealtimeOffsetNs;
        _sink.MaxStringBytes = context.MaxStringBytes;
        var framesBefore = Stats.FramesParsed;
        var skippedBefore = Stats.BytesSkipped;

        // Requests first: a response is read knowing what it answers (the SSL reply byte has no header).
        while (s.Requests.TryNext(req, false, Stats, out var m, out var ts))
        {
            s.Stitcher.OnRequest(m, ts, context.MaxStringBytes, Stats);
            s.Requests.Advance(req);
        }

        while (s.Responses.TryNext(resp, s.Stitcher.ExpectSslAnswer, Stats, out var m, out var ts))
        {
            if (s.Stitcher.PendingRequests == 0 && !PgsqlStitcher.IsUnsolicited(m) && !resp.IsClosed && resp.BufferedBytes < HoldResponseBytes)
            {
                // Its request may still be on its way (another CPU's ring): keep the bytes; once a request arrives,
                // responses older than it are dropped as unmatched.
                break;
            }

            s.Stitcher.OnResponse(m, ts, _sink, Stats);
            s.Responses.Advance(resp);
        }

        s.Frames += Stats.FramesParsed - framesBefore;
        s.Skipped += Stats.BytesSkipped - skippedBefore;
        _sink.Conn = null;
        return s.Frames == 0 && s.Skipped > GiveUpBytes ? ProtocolStatus.Unparseable : ProtocolStatus.Ok;
    }

    public void Expire(ProtocolConnection state, ulong olderThanNs) => ((PgsqlConnection)state).Stitcher.Expire(olderThanNs, Stats);

    public void OnClosed(ProtocolConnection state) => ((PgsqlConnection)state).Stitcher.Clear(Stats);

    public List<RowBatch> TakeBatches() => _writer.TakeBatches();

    private void Write(ConnTracker conn, PgsqlRequest req, PgsqlText resp, ulong respTs, long offset, int max)
    {
        _writer.BeginRow(conn, req.TimestampNs, offset);
        const int c = SocketEventsWriter.FirstProtocolColumn;
        _writer.String(c).Append(req.Command);
        SocketEventsWriter.AppendTruncated(_writer.String(c + 1), req.Text.Written, req.Text.FullLength, max);
        SocketEventsWriter.AppendTruncated(_writer.String(c + 2), resp.Written, resp.FullLength, max);
        _writer.Int64(c + 3).Append(SocketEventsWriter.Latency(req.TimestampNs, respTs));
        _writer.EndRow();
        Stats.RecordsEmitted++;
    }

    /// <summary>Adapts the stitcher's callback to the writer without a closure per call.</summary>
    private sealed class RowSink(PgsqlHandler owner) : IPgsqlRecordSink
    {
        public ConnTracker? Conn;
        public long RealtimeOffsetNs;
        public int MaxStringBytes;

        public void OnRecord(PgsqlRequest request, PgsqlText response, ulong responseTsNs)
        {
            if (Conn is not null)
            {
                owner.Write(Conn, request, response, responseTsNs, RealtimeOffsetNs, MaxStringBytes);
            }
        }
    }
}

/// <summary>Per-connection PostgreSQL state: a parser per direction and the stitcher (statements, portals, pending requests).</summary>
public sealed class PgsqlConnection : ProtocolConnection
{
    public PgsqlStreamParser Requests { get; } = new(frontend: true);

    public PgsqlStreamParser Responses { get; } = new(frontend: false);

    public PgsqlStitcher Stitcher { get; } = new();

    /// <summary>Messages parsed and bytes skipped on this connection (for giving up on non-PostgreSQL bytes).</summary>
    public long Frames;
    public long Skipped;
}
