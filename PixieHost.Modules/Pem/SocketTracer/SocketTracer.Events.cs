using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Modules.Pem.SocketTracer;

public sealed partial class SocketTracer
{
    private ConnTracker Create(ConnId id, TraceRole role, ulong tsNs)
    {
        var t = new ConnTracker(id, role, _options.DataStreamBufferBytes, _options.ReorderWindowBatches)
        {
            Upid = new Upid(_options.Asid, id.Tgid, StartTicks(id.Tgid)),
            OpenTimestampNs = tsNs,
            LastActivityNs = tsNs,
        };
        _trackers[id] = t;
        _connStats.Attach(t);
        _c.TrackersCreated++;
        return t;
    }

    private void Open(in SocketControlEvent ev)
    {
        if (_trackers.TryGetValue(ev.Hdr.Conn, out var t) && t.SawOpen)
        {
            return;
        }

        if (ev.StartTicks != 0)
        {
            // The kernel read the start time while the process surely lived; /proc may be gone by now (curl).
            _startTimes[ev.Hdr.Conn.Tgid] = (ev.StartTicks, _env.MonotonicNowNs());
        }

        t ??= Create(ev.Hdr.Conn, ev.Hdr.Role, ev.Hdr.TsNs);
        _connStats.Detach(t);
        t.SawOpen = true;
        t.IsDatagram = ev.SockType == 2;
        t.SetEndpoints(ev.Local, ev.Remote);
        if (ev.Hdr.Role != TraceRole.Unknown)
        {
            t.SetRole(ev.Hdr.Role, inferred: false);
        }

        t.LastActivityNs = Math.Max(t.LastActivityNs, ev.Hdr.TsNs);
        _connStats.Attach(t);
    }

    private void Close(in SocketControlEvent ev)
    {
        if (!_trackers.TryGetValue(ev.Hdr.Conn, out var t))
        {
            // Nothing was seen of this connection but its end: count it open and closed, like Pixie's conn_stats.
            t = Create(ev.Hdr.Conn, ev.Hdr.Role, ev.Hdr.TsNs);
            _connStats.Detach(t);
            t.SetEndpoints(ev.Local, ev.Remote);
            _connStats.Attach(t);
        }

        if (t.IsClosed)
        {
            return;
        }

        var e = t.StatsEntry!;
        var sent = Math.Max(0, (long)ev.BytesSent - t.BytesSent);
        var recv = Math.Max(0, (long)ev.BytesRecv - t.BytesRecv);
        t.BytesSent += sent;
        t.BytesRecv += recv;
        e.BytesSent += sent;
        e.BytesRecv += recv;
        e.ConnClose++;
        t.MarkClosed();
        t.LastActivityNs = Math.Max(t.LastActivityNs, ev.Hdr.TsNs);
        _c.TrackersClosed++;
        MarkDirty(t);
    }

    private void AddData(ConnTracker t, in SocketDataEvent ev, ReadOnlySpan<byte> payload)
    {
        t.LastActivityNs = Math.Max(t.LastActivityNs, ev.Hdr.TsNs);
        var e = t.StatsEntry!;
        if (ev.Direction == TrafficDirection.Send)
        {
            t.BytesSent += ev.MsgSize;
            e.BytesSent += ev.MsgSize;
        }
        else
        {
            t.BytesRecv += ev.MsgSize;
            e.BytesRecv += ev.MsgSize;
        }

        if (ev.Protocol != TrafficProtocol.Unknown && t.Protocol != ev.Protocol && t.Protocol is TrafficProtocol.Unknown)
        {
            SetProtocol(t, ev.Protocol);
        }

        if ((ev.Flags & DataEventFlags.Ssl) != 0)
        {
            t.Encrypted = true;
            e.Ssl = true;
        }

        if (t.Role == TraceRole.Unknown && ev.Hdr.Role != TraceRole.Unknown)
        {
            SetRole(t, ev.Hdr.Role, inferred: false);
        }

        if (t.ParsingDisabled)
        {
            return;
        }

        var stream = t.Stream(ev.Direction);
        var first = !stream.HasStarted;
        var copied = (uint)payload.Length > ev.DataSize ? payload[..(int)ev.DataSize] : payload;
        stream.Add(ev.Position, ev.MsgSize, copied, ev.Hdr.TsNs);
        if (first)
        {
            // A connection met mid-way (it existed before tracing) may start inside a message.
            stream.NeedsResync = ev.Position > 0 || t.Role == TraceRole.Unknown;
        }

        MarkDirty(t);
    }

    private void MarkDirty(ConnTracker t)
    {
        if (!t.Dirty)
        {
            t.Dirty = true;
            _dirty.Add(t);
        }
    }

    private void SetRole(ConnTracker t, TraceRole role, bool inferred)
    {
        _connStats.Detach(t);
        t.SetRole(role, inferred);
        _connStats.Attach(t);
    }

    private ulong StartTicks(uint pid)
    {
        var now = _env.MonotonicNowNs();
        if (_startTimes.TryGetValue(pid, out var c) && now - c.ReadAtNs < _options.ProcessCacheTtl.Ticks * 100)
        {
            return c.Ticks;
        }

        var ticks = _env.ProcessStartTicks(pid);
        _startTimes[pid] = (ticks, now);
        return ticks;
    }
}
