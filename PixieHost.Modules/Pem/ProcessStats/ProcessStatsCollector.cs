using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.ProcessStats;

/// <summary>
/// Samples every process in /proc into the process_stats table: one row per process per sample, counters as
/// the kernel reports them (cumulative), gauges as of the sample.
/// </summary>
public sealed class ProcessStatsCollector(ProcFs procFs, Table table, uint asid, TimeProvider time)
{
    private const long NsPerTick = 1_000_000_000 / ProcFs.ClockTicksPerSecond;
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Samples all processes once; returns the rows appended.</summary>
    public int SampleOnce()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        var pageSize = Environment.SystemPageSize;
        var b = new RowBatchBuilder(table.Schema, 512);
        var t = b.Column<Int64ColumnBuilder>(0);
        var upid = b.Column<UInt128ColumnBuilder>(1);
        foreach (var pid in procFs.Pids())
        {
            if (!procFs.TryRead(pid, _buffer, out var s))
            {
                continue;
            }

            t.Append(now);
            upid.Append(new Upid(asid, (uint)pid, s.StartTimeTicks).Value);
            b.Column<Int64ColumnBuilder>(2).Append(s.MajorFaults);
            b.Column<Int64ColumnBuilder>(3).Append(s.MinorFaults);
            b.Column<Int64ColumnBuilder>(4).Append(s.UtimeTicks * NsPerTick);
            b.Column<Int64ColumnBuilder>(5).Append(s.StimeTicks * NsPerTick);
            b.Column<Int64ColumnBuilder>(6).Append(s.NumThreads);
            b.Column<Int64ColumnBuilder>(7).Append(s.VsizeBytes);
            b.Column<Int64ColumnBuilder>(8).Append(s.RssPages * pageSize);
            b.Column<Int64ColumnBuilder>(9).Append(s.RcharBytes);
            b.Column<Int64ColumnBuilder>(10).Append(s.WcharBytes);
            b.Column<Int64ColumnBuilder>(11).Append(s.ReadBytes);
            b.Column<Int64ColumnBuilder>(12).Append(s.WriteBytes);
        }

        var rows = b.RowCount;
        table.Append(b.Build());
        return rows;
    }
}
