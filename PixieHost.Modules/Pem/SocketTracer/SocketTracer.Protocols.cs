using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;

namespace PixieHost.Modules.Pem.SocketTracer;

public sealed partial class SocketTracer
{
    /// <summary>The connection speaks <paramref name="protocol"/>: its conn_stats key and, for protocols other than HTTP/1, its handler.</summary>
    private void SetProtocol(ConnTracker t, TrafficProtocol protocol)
    {
        t.Protocol = protocol;
        t.StatsEntry!.Protocol = protocol;
        var h = (int)protocol < _handlers.Length ? _handlers[(int)protocol] : null;
        if (t.ParsingDisabled)
        {
            return;
        }

        if (h is not null)
        {
            t.Handler = h;
            t.HandlerState = h.CreateConnection();
        }
        else if (protocol != TrafficProtocol.Http)
        {
            // A protocol the kernel knows but no handler parses (disabled in the options): count, do not buffer.
            _c.ProtocolsWithoutHandler++;
            Disable(t);
        }
    }

    private void ProcessWithHandler(ConnTracker t, IProtocolHandler h)
    {
        if (t.ParsingDisabled || t.HandlerState is null)
        {
            return;
        }

        if (t.Role == TraceRole.Unknown)
        {
            var role = h.InferRole(t.Send.Contiguous, t.Recv.Contiguous);
            if (role == TraceRole.Unknown)
            {
                DisableIfUnparsed(t, h);
                return;
            }

            SetRole(t, role, inferred: true);
            t.Send.NeedsResync = t.Recv.NeedsResync = true;
            _c.RolesInferred++;
        }

        var context = new ProtocolContext(_realtimeOffsetNs, _options.MaxStringBytes, _options.MaxBodyBytes);
        if (h.Process(t, t.HandlerState, context) == ProtocolStatus.Unparseable)
        {
            h.Stats.ConnectionsDisabled++;
            Disable(t);
            return;
        }

        if (t.IsClosed && !t.HoleWaiting)
        {
            h.OnClosed(t.HandlerState);
        }
    }

    /// <summary>A connection whose role never becomes clear is given up after as many bytes as an unknown one.</summary>
    private void DisableIfUnparsed(ConnTracker t, IProtocolHandler h)
    {
        if (t.Send.BytesAdded + t.Recv.BytesAdded > _options.UnknownProtocolParseBytes)
        {
            h.Stats.ConnectionsDisabled++;
            Disable(t);
        }
    }

    /// <summary>Appends every handler's rows to its table; returns the rows appended.</summary>
    private int FlushProtocols()
    {
        var rows = 0;
        foreach (var h in _handlerList)
        {
            List<Modules.TableStore.RowBatch> batches;
            lock (_gate)
            {
                batches = h.TakeBatches();
            }

            if (batches.Count == 0)
            {
                continue;
            }

            var table = _store.GetOrAdd(h.Schema);
            foreach (var b in batches)
            {
                table.Append(b);
                rows += b.RowCount;
            }
        }

        lock (_gate)
        {
            _c.ProtocolRecordsFlushed += rows;
        }

        return rows;
    }

    /// <summary>Each handler's counters by protocol name (lower case, as in <see cref="TrafficProtocol"/>).</summary>
    private Dictionary<string, ProtocolStatsSnapshot> ProtocolStatsSnapshot()
    {
        var d = new Dictionary<string, ProtocolStatsSnapshot>();
        foreach (var h in _handlerList)
        {
            d[h.Protocol.ToString().ToLowerInvariant()] = h.Stats.Snapshot();
        }

        return d;
    }
}
