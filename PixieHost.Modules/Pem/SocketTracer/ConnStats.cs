using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>Cumulative counters of the connections of one (upid, remote address, remote port, role).</summary>
internal sealed class ConnStatsEntry(UInt128 upid, byte[] remoteAddrUtf8, int remotePort, TraceRole role, ushort family, (UInt128, UInt128, int, TraceRole) key)
{
    public (UInt128, UInt128, int, TraceRole) Key { get; } = key;

    public UInt128 Upid { get; } = upid;

    public byte[] RemoteAddrUtf8 { get; } = remoteAddrUtf8;

    public int RemotePort { get; } = remotePort;

    public TraceRole Role { get; } = role;

    public ushort AddressFamily { get; } = family;

    public TrafficProtocol Protocol;

    /// <summary>TLS plaintext (libssl uprobes) was seen on a connection of this entry.</summary>
    public bool Ssl;
    public long ConnOpen;
    public long ConnClose;
    public long BytesSent;
    public long BytesRecv;
}

/// <summary>
/// The conn_stats aggregates. Trackers add to their entry as events arrive; <see cref="WriteRows"/> writes every
/// entry (the counters are cumulative since tracing began) and forgets entries whose connections all closed,
/// after writing their final row.
/// </summary>
internal sealed class ConnStatsTable
{
    private readonly Dictionary<(UInt128 Upid, UInt128 Addr, int Port, TraceRole Role), ConnStatsEntry> _entries = [];

    public int Count => _entries.Count;

    /// <summary>Adds <paramref name="tracker"/>'s open and bytes to the entry of its current key.</summary>
    public void Attach(ConnTracker tracker)
    {
        var key = (tracker.Upid.Value, tracker.RemoteAddrKey, tracker.RemotePort, tracker.Role);
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new ConnStatsEntry(tracker.Upid.Value, tracker.RemoteAddrUtf8, tracker.RemotePort, tracker.Role, tracker.AddressFamily, key);
            _entries[key] = entry;
        }

        entry.ConnOpen++;
        entry.BytesSent += tracker.BytesSent;
        entry.BytesRecv += tracker.BytesRecv;
        entry.Protocol = tracker.Protocol;
        if (tracker.IsClosed)
        {
            entry.ConnClose++;
        }

        tracker.StatsEntry = entry;
    }

    /// <summary>Moves a tracker to another key (its role was inferred after it was counted).</summary>
    public void Detach(ConnTracker tracker)
    {
        if (tracker.StatsEntry is { } e)
        {
            e.ConnOpen--;
            e.BytesSent -= tracker.BytesSent;
            e.BytesRecv -= tracker.BytesRecv;
            if (tracker.IsClosed)
            {
                e.ConnClose--;
            }

            tracker.StatsEntry = null;
            if (e.ConnOpen == 0 && _entries.TryGetValue(e.Key, out var current) && ReferenceEquals(current, e))
            {
                // Only this tracker had been counted under the old key: nothing of it remains to report.
                _entries.Remove(e.Key);
            }
        }
    }

    public void WriteRows(RowBatchBuilder b, long timeNs)
    {
        List<(UInt128, UInt128, int, TraceRole)>? finished = null;
        foreach (var (key, e) in _entries)
        {
            b.Column<Int64ColumnBuilder>(0).Append(timeNs);
            b.Column<UInt128ColumnBuilder>(1).Append(e.Upid);
            b.Column<StringColumnBuilder>(2).Append(e.RemoteAddrUtf8);
            b.Column<Int64ColumnBuilder>(3).Append(e.RemotePort);
            b.Column<Int64ColumnBuilder>(4).Append((long)e.Role);
            b.Column<Int64ColumnBuilder>(5).Append(e.AddressFamily);
            b.Column<Int64ColumnBuilder>(6).Append((long)e.Protocol);
            b.Column<BooleanColumnBuilder>(7).Append(e.Ssl);
            b.Column<Int64ColumnBuilder>(8).Append(e.ConnOpen);
            b.Column<Int64ColumnBuilder>(9).Append(e.ConnClose);
            b.Column<Int64ColumnBuilder>(10).Append(e.ConnOpen - e.ConnClose);
            b.Column<Int64ColumnBuilder>(11).Append(e.BytesSent);
            b.Column<Int64ColumnBuilder>(12).Append(e.BytesRecv);
            if (e.ConnOpen <= e.ConnClose)
            {
                (finished ??= []).Add(key);
            }
        }

        if (finished is not null)
        {
            foreach (var k in finished)
            {
                _entries.Remove(k);
            }
        }
    }
}
