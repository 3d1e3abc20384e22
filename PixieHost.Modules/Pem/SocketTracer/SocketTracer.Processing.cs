using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Http;

namespace PixieHost.Modules.Pem.SocketTracer;

public sealed partial class SocketTracer
{
    /// <summary>
    /// A bug in parsing must not stop the reader thread: the connection is given up and the error counted
    /// (malformed input itself never throws; this guards against defects, not data).
    /// </summary>
    private void ProcessGuarded(ConnTracker t)
    {
        try
        {
            Process(t);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _c.InternalErrors++;
            t.HoleWaiting = false;
            if (!t.ParsingDisabled)
            {
                Disable(t);
            }
        }
    }

    private void Process(ConnTracker t)
    {
        // Both streams must age their holes: no short-circuit.
        t.HoleWaiting = t.Send.EndBatch() | t.Recv.EndBatch();
        if (t.Handler is not null)
        {
            ProcessWithHandler(t, t.Handler);
            return;
        }

        if (t.ParsingDisabled || (t.Role == TraceRole.Unknown && !TryInferRole(t)))
        {
            DisableIfNotHttp(t);
            return;
        }

        ParseAndStitch(t);
        DisableIfNotHttp(t);
        if (t.IsClosed && !t.HoleWaiting)
        {
            // The close came and every byte before it was parsed: what is still pending will never complete.
            t.RequestParser.Reset(_pool);
            t.ResponseParser.Reset(_pool);
            t.Stitcher.Clear(_pool, _http);
        }
    }

    private void ParseAndStitch(ConnTracker t)
    {
        var requests = t.RequestStream;
        while (t.RequestParser.TryParseNext(requests, _pool, answersHead: false, _http, out var req))
        {
            t.FramesParsed++;
            t.Stitcher.AddRequest(req, _pool, _http);
        }

        var responses = t.ResponseStream;
        while (t.ResponseParser.TryParseNext(responses, _pool, t.Stitcher.NextResponseAnswersHead, _http, out var resp))
        {
            t.FramesParsed++;
            var switched = resp.Status == 101;
            t.Stitcher.AddResponse(resp, _pool, _http);
            while (t.Stitcher.TryTakePair(_pool, _http, out var rq, out var rs))
            {
                _writer.Append(t, rq, rs, _realtimeOffsetNs);
                _http.RecordsEmitted++;
                _pool.Return(rq);
                _pool.Return(rs);
            }

            if (switched)
            {
                // 101 Switching Protocols: what follows is not HTTP/1 (WebSocket, h2c).
                Disable(t);
                return;
            }
        }
    }

    /// <summary>
    /// Role unknown (the socket existed before tracing): a request on the receive side makes the process a
    /// server, a request on the send side a client (and the converse for responses).
    /// </summary>
    private bool TryInferRole(ConnTracker t)
    {
        TraceRole role;
        if (HttpParser.TryClassify(t.Recv.Contiguous, out var kind))
        {
            role = kind == HttpMessageKind.Request ? TraceRole.Server : TraceRole.Client;
        }
        else if (HttpParser.TryClassify(t.Send.Contiguous, out kind))
        {
            role = kind == HttpMessageKind.Request ? TraceRole.Client : TraceRole.Server;
        }
        else
        {
            return false;
        }

        SetRole(t, role, inferred: true);
        t.Send.NeedsResync = t.Recv.NeedsResync = true;
        _c.RolesInferred++;
        return true;
    }

    private void DisableIfNotHttp(ConnTracker t)
    {
        if (!t.ParsingDisabled && t.Protocol != TrafficProtocol.Http && t.FramesParsed == 0
            && t.Send.BytesAdded + t.Recv.BytesAdded > _options.UnknownProtocolParseBytes)
        {
            Disable(t);
        }
    }

    private void Disable(ConnTracker t)
    {
        t.ParsingDisabled = true;
        t.HandlerState?.Dispose();
        t.HandlerState = null;
        t.RequestParser.Reset(_pool);
        t.ResponseParser.Reset(_pool);
        t.Stitcher.Clear(_pool, _http);
        RetireStreamCounters(t);
        t.Send.Dispose();
        t.Recv.Dispose();
        _c.ParsingDisabled++;
    }

    private void Housekeep(long nowNs)
    {
        if (nowNs - _offsetMeasuredAtNs >= _options.ClockRefreshInterval.Ticks * 100)
        {
            _realtimeOffsetNs = _env.RealtimeOffsetNs();
            _offsetMeasuredAtNs = nowNs;
        }

        var expiry = (ulong)(_options.MessageExpiry.Ticks * 100);
        var idle = (ulong)(_options.InactivityTimeout.Ticks * 100);
        var linger = (ulong)(_options.ClosedLinger.Ticks * 100);
        var now = (ulong)nowNs;
        List<ConnTracker>? gone = null;
        foreach (var t in _trackers.Values)
        {
            var quiet = now > t.LastActivityNs ? now - t.LastActivityNs : 0;
            if ((t.IsClosed && quiet >= linger) || quiet >= idle)
            {
                (gone ??= []).Add(t);
            }
            else if (now > expiry)
            {
                t.Stitcher.Expire(now - expiry, _pool, _http);
                if (t.HandlerState is not null)
                {
                    t.Handler!.Expire(t.HandlerState, now - expiry);
                }
            }
        }

        foreach (var t in gone ?? [])
        {
            Remove(t);
        }

        PruneStartTimes(nowNs);
    }

    private void Remove(ConnTracker t)
    {
        if (!t.IsClosed)
        {
            // Inactive for InactivityTimeout: counted as closed so conn_active does not grow forever.
            t.StatsEntry!.ConnClose++;
            t.MarkClosed();
            _c.TrackersExpired++;
        }

        t.RequestParser.Reset(_pool);
        t.ResponseParser.Reset(_pool);
        t.Stitcher.Clear(_pool, _http);
        RetireStreamCounters(t);
        t.Dispose();
        _trackers.Remove(t.Id);
        if (ReferenceEquals(_last, t))
        {
            _last = null;
        }
    }

    /// <summary>Keeps the stream counters of a tracker whose streams go away.</summary>
    private void RetireStreamCounters(ConnTracker t)
    {
        foreach (var s in (ReadOnlySpan<DataStream>)[t.Send, t.Recv])
        {
            _c.RetiredBytesDropped += s.BytesDropped;
            _c.RetiredGaps += s.GapCount;
            _c.RetiredGapBytes += s.GapBytes;
            _c.RetiredStale += s.StaleEvents;
            s.ResetCounters();
        }
    }

    private void PruneStartTimes(long nowNs)
    {
        var ttl = _options.ProcessCacheTtl.Ticks * 100;
        List<uint>? old = null;
        foreach (var (pid, c) in _startTimes)
        {
            if (nowNs - c.ReadAtNs >= ttl)
            {
                (old ??= []).Add(pid);
            }
        }

        foreach (var pid in old ?? [])
        {
            _startTimes.Remove(pid);
        }
    }
}
