using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.ProcessStats;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Metadata;

/// <summary>UPIDs of real processes and a process_stats table holding rows for them.</summary>
public static class MetadataTestData
{
    public const uint Asid = 7;

    public static UInt128 UpidOf(int pid, uint asid = Asid) =>
        new Upid(asid, (uint)pid, ProcFs.Default.StartTimeTicks(pid) ?? throw new InvalidOperationException($"pid {pid} is gone")).Value;

    /// <summary>
    /// Starts <c>sleep 30</c> and waits (up to 10 s) until it has exec'd: between fork and exec a child still shows
    /// the test host's cmdline, and a lookup then would cache the wrong process.
    /// </summary>
    public static ChildProcess StartSleep()
    {
        var child = ChildProcess.Start("sleep", ["30"]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.ReadAllText($"/proc/{child.Pid}/cmdline").StartsWith("sleep\0", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        return child;
    }

    public static UInt128 Self => UpidOf(Environment.ProcessId);

    public static LocalMetadataProvider Provider(LocalMetadataOptions? options = null, TimeProvider? time = null) =>
        new(options ?? new LocalMetadataOptions(), Asid, time);

    /// <summary>process_stats with <paramref name="rowsPerUpid"/> rows per UPID, in batches that interleave the UPIDs.</summary>
    public static TableStore Store(long nowNs, IReadOnlyList<UInt128> upids, int rowsPerUpid = 3)
    {
        var store = new TableStore();
        var table = store.GetOrAdd(PemSchemas.ProcessStats);
        var b = new RowBatchBuilder(PemSchemas.ProcessStats, upids.Count * rowsPerUpid);
        for (var r = 0; r < rowsPerUpid; r++)
        {
            foreach (var u in upids)
            {
                var values = new object?[PemSchemas.ProcessStats.Columns.Count];
                for (var c = 0; c < values.Length; c++)
                {
                    values[c] = PemSchemas.ProcessStats.Columns[c].Type switch
                    {
                        DataType.String => string.Empty,
                        DataType.Float64 => 0.0,
                        DataType.Boolean => false,
                        _ => 0L,
                    };
                }

                values[0] = nowNs - r;
                values[1] = u;
                values[PemSchemas.ProcessStats.IndexOf("rss_bytes")] = 1000L + r;
                b.AppendRow(values);
            }
        }

        table.Append(b.Build());
        return store;
    }
}

/// <summary>A clock tests move by hand.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
