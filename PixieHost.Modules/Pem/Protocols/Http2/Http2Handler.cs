using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// HTTP/2 and gRPC from a connection's raw bytes (cleartext h2c, or TLS plaintext from the SSL probes) into
/// http_events. Each direction is cut into frames (<see cref="Http2Parser"/>), frames go to the connection's
/// <see cref="Http2Stitcher"/>, finished streams to <see cref="Http2EventsWriter"/>. A stream met mid-way, or
/// bytes lost in a gap, make the parser look for the next frame boundary and the HPACK table unknown.
/// The two directions are parsed frame by frame in timestamp order, so a stream's response closes it before
/// later requests open others (the open-stream bound then reflects real concurrency, not batch size).
/// </summary>
public sealed class Http2Handler(int maxBodyBytes = 512, int maxStringBytes = 1024) : IProtocolHandler
{
    /// <summary>Bytes skipped without finding a single frame before the connection is given up as not HTTP/2.</summary>
    public const int MaxSkipWithoutFrame = 64 * 1024;

    private readonly Http2EventsWriter _writer = new(maxBodyBytes, maxStringBytes);
    private readonly Stack<Http2Stream> _pool = new();

    public TrafficProtocol Protocol => TrafficProtocol.Http2;

    public TableSchema Schema => PemSchemas.HttpEvents;

    public ProtocolStats Stats { get; } = new();

    public ProtocolConnection CreateConnection() => new Http2Connection(new Http2Stitcher(Stats, _pool));

    public TraceRole InferRole(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received) => Http2RoleInference.Infer(sent, received);

    public ProtocolStatus Process(ConnTracker conn, ProtocolConnection state, in ProtocolContext context)
    {
        var c = (Http2Connection)state;
        var req = conn.RequestStream;
        var resp = conn.ResponseStream;
        bool reqBlocked = false, respBlocked = false;
        while (!reqBlocked || !respBlocked)
        {
            // Frames in the order they happened, so a stream's response closes it before later requests open
            // others: a busy connection never looks like more concurrent streams than it has.
            var pickRequest = !reqBlocked && (respBlocked || HeadTime(req) <= HeadTime(resp));
            if (pickRequest)
            {
                reqBlocked = !Step(req, c, fromClient: true);
            }
            else
            {
                respBlocked = !Step(resp, c, fromClient: false);
            }
        }

        var done = c.Stitcher.Completed;
        foreach (var s in done)
        {
            if (s.Request.Started)
            {
                _writer.Append(conn, s, context.RealtimeOffsetNs);
                Stats.RecordsEmitted++;
            }
            else
            {
                Stats.UnmatchedResponses++;
            }

            c.Stitcher.Recycle(s);
        }

        done.Clear();
        return c.Frames == 0 && c.Skipped > MaxSkipWithoutFrame ? ProtocolStatus.Unparseable : ProtocolStatus.Ok;
    }

    public void Expire(ProtocolConnection state, ulong olderThanNs) =>
        Stats.ExpiredMessages += ((Http2Connection)state).Stitcher.Expire(olderThanNs);

    public void OnClosed(ProtocolConnection state) =>
        Stats.UnansweredRequests += ((Http2Connection)state).Stitcher.DropOpen();

    public List<RowBatch> TakeBatches() => _writer.TakeBatches();

    /// <summary>Parses one frame (or skips bytes) of one direction; false when it needs more bytes.</summary>
    private bool Step(DataStream s, Http2Connection c, bool fromClient)
    {
        var st = c.Stitcher;
        var buf = s.Contiguous;
        if (buf.IsEmpty)
        {
            var gap = s.GapAtHead;
            if (gap == 0)
            {
                return false;
            }

            s.SkipGap(gap);
            Resync(c, fromClient);
            return true;
        }

        if (fromClient && !c.PrefaceChecked)
        {
            if (s.HeadPosition == 0)
            {
                var n = Math.Min(buf.Length, Http2Parser.Preface.Length);
                if (buf[..n].SequenceEqual(Http2Parser.Preface[..n]))
                {
                    if (n < Http2Parser.Preface.Length && !s.ContiguousEndsAtGap && !s.IsClosed)
                    {
                        return false;
                    }

                    if (n == Http2Parser.Preface.Length)
                    {
                        s.Consume(n);
                        st.PrefaceSeen = true;
                        s.NeedsResync = false;
                        c.PrefaceChecked = true;
                        return true;
                    }
                }
            }

            c.PrefaceChecked = true;
            st.LoseState(fromClient: true);
            s.NeedsResync = true;
        }

        ref var resync = ref fromClient ? ref c.ClientResync : ref c.ServerResync;
        if (s.NeedsResync || resync || (!fromClient && s.FirstPosition > 0 && !c.ServerStartChecked))
        {
            if (!fromClient)
            {
                c.ServerStartChecked = true;
            }

            var off = Http2Parser.FindFrameBoundary(buf, out var confirmed);
            if (off < 0)
            {
                // Keep the last 8 bytes: they may be the start of the next frame header.
                var drop = s.ContiguousEndsAtGap || s.IsClosed ? buf.Length : buf.Length - (Http2FrameHeader.Size - 1);
                if (drop <= 0)
                {
                    return false;
                }

                Skip(s, c, drop, fromClient);
                return true;
            }

            if (off > 0 || s.FirstPosition > 0)
            {
                st.LoseState(fromClient);
            }

            if (off > 0)
            {
                Skip(s, c, off, fromClient);
            }

            if (!confirmed && !s.ContiguousEndsAtGap && !s.IsClosed)
            {
                // The frame found runs past the bytes held: wait for them to confirm (or refute) it.
                resync = true;
                s.NeedsResync = false;
                return false;
            }

            s.NeedsResync = false;
            resync = false;
            return true;
        }

        if (!Http2Parser.TryReadFrame(buf, out var h, out var payload, out var consumed))
        {
            if (buf.Length >= Http2FrameHeader.Size && h.Length > Http2Parser.MaxFrameLength)
            {
                Stats.ParseErrors++;
                resync = true;
                Skip(s, c, 1, fromClient);
                return true;
            }

            if (s.ContiguousEndsAtGap)
            {
                // The rest of this frame was lost.
                Skip(s, c, buf.Length, fromClient);
                resync = true;
                return true;
            }

            return false;
        }

        st.OnFrame(h, payload, fromClient, s.HeadTimestampNs);
        s.Consume(consumed);
        c.Frames++;
        Stats.FramesParsed++;
        return true;
    }

    private static ulong HeadTime(DataStream s) => s.Contiguous.IsEmpty ? ulong.MaxValue : s.HeadTimestampNs;

    private static void Resync(Http2Connection c, bool fromClient)
    {
        c.Stitcher.LoseState(fromClient);
        if (fromClient)
        {
            c.ClientResync = true;
        }
        else
        {
            c.ServerResync = true;
        }
    }

    private void Skip(DataStream s, Http2Connection c, int n, bool fromClient)
    {
        s.Consume(n);
        c.Skipped += n;
        Stats.BytesSkipped += n;
        c.Stitcher.LoseState(fromClient);
    }

    /// <summary>Per-connection state: the stitcher and where each direction's parser stands.</summary>
    internal sealed class Http2Connection(Http2Stitcher stitcher) : ProtocolConnection
    {
        public readonly Http2Stitcher Stitcher = stitcher;
        public bool PrefaceChecked;
        public bool ServerStartChecked;
        public bool ClientResync;
        public bool ServerResync;
        public long Frames;
        public long Skipped;

        public override void Dispose() => Stitcher.DropOpen();
    }
}
