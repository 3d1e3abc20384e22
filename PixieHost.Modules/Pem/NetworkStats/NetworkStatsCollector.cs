using PixieHost.Modules.Pem.ProcessStats;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.NetworkStats;

/// <summary>
/// Samples network_stats: one row per network namespace (in Kubernetes, one per pod), its interfaces' counters
/// summed, read through one process that lives in it. <c>pod_id</c> is the pod of that process as the metadata
/// knows it (empty for the host's own namespace outside Kubernetes).
/// </summary>
public sealed class NetworkStatsCollector(ProcFs procFs, Table table, Func<int, string> podIdOfPid, TimeProvider time)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly HashSet<ulong> _seen = [];

    /// <summary>Samples every namespace once; returns the rows appended.</summary>
    public int SampleOnce()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        var b = new RowBatchBuilder(table.Schema, 64);
        _seen.Clear();
        foreach (var pid in procFs.Pids())
        {
            var ns = NetNamespace(pid);
            if (ns is not { } inode || !_seen.Add(inode) || !TryReadNetDev(pid, out var t))
            {
                continue;
            }

            b.Column<Int64ColumnBuilder>(0).Append(now);
            b.Column<StringColumnBuilder>(1).Append(podIdOfPid(pid));
            b.Column<Int64ColumnBuilder>(2).Append(t.RxBytes);
            b.Column<Int64ColumnBuilder>(3).Append(t.RxPackets);
            b.Column<Int64ColumnBuilder>(4).Append(t.RxErrors);
            b.Column<Int64ColumnBuilder>(5).Append(t.RxDrops);
            b.Column<Int64ColumnBuilder>(6).Append(t.TxBytes);
            b.Column<Int64ColumnBuilder>(7).Append(t.TxPackets);
            b.Column<Int64ColumnBuilder>(8).Append(t.TxErrors);
            b.Column<Int64ColumnBuilder>(9).Append(t.TxDrops);
        }

        var rows = b.RowCount;
        if (rows > 0)
        {
            table.Append(b.Build());
        }

        return rows;
    }

    /// <summary>The inode of the process's network namespace ("net:[4026531840]"), or null when unreadable.</summary>
    public ulong? NetNamespace(int pid)
    {
        try
        {
            var link = new FileInfo($"{procFs.Root}/{pid}/ns/net").LinkTarget;
            if (link is null || !link.StartsWith("net:[", StringComparison.Ordinal) || !link.EndsWith(']'))
            {
                return null;
            }

            return ulong.TryParse(link.AsSpan(5, link.Length - 6), out var inode) ? inode : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private bool TryReadNetDev(int pid, out NetDevTotals totals)
    {
        totals = default;
        int n;
        try
        {
            using var handle = File.OpenHandle($"{procFs.Root}/{pid}/net/dev");
            n = RandomAccess.Read(handle, _buffer, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return n > 0 && NetDev.TryParse(System.Text.Encoding.ASCII.GetString(_buffer, 0, n), out totals);
    }
}
