using System.Diagnostics;
using PixieHost.Modules.Pem;
using PixieHost.Modules.TableStore;

namespace PixieHost.Benchmarks.Pem;

/// <summary>
/// A quick measurement without BenchmarkDotNet (<c>dotnet run -c Release -- quick</c>): ingest rate on one
/// thread, allocation per record, and the bytes an http_events row costs in the table.
/// </summary>
public static partial class StoreSizeReport
{
    private const int ClockThreadCpuTime = 3;

    public static void Run(int pairs = 200_000, int rounds = 5)
    {
        var recording = new HttpTrafficRecording(pairs, connections: 10);
        IngestBenchmarks.Ingest(recording, out _);
        var best = double.MaxValue;
        var bestCpu = double.MaxValue;
        long allocated = 0;
        Table table = null!;
        for (var r = 0; r < rounds; r++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var cpu0 = ThreadCpuNs();
            var sw = Stopwatch.StartNew();
            IngestBenchmarks.Ingest(recording, out table);
            sw.Stop();
            bestCpu = Math.Min(bestCpu, (ThreadCpuNs() - cpu0) / 1e9);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }

        Console.WriteLine($"events: {recording.EventCount}, records: {pairs}");
        Console.WriteLine($"ingest: {pairs / best / 1e6:F2} M records/s on one thread ({best * 1e9 / pairs:F0} ns/record)");
        Console.WriteLine($"ingest thread CPU: {bestCpu * 1e9 / pairs:F0} ns/record = {pairs / bestCpu / 1e6:F2} M records/s per core; GC pauses total {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms");
        Console.WriteLine($"allocated: {allocated / (double)pairs:F0} bytes/record");
        Console.WriteLine($"http_events: {table.RowCount} rows, {table.Bytes} bytes, {table.Bytes / (double)table.RowCount:F1} bytes/row");
        var first = table.Snapshot()[0].Batch;
        for (var c = 0; c < first.Columns.Count; c++)
        {
            Console.WriteLine($"  {PemSchemas.HttpEvents[c].Name,-15} {first[c].ByteSize / (double)first.RowCount,8:F1} bytes/row");
        }
    }

    private static long ThreadCpuNs()
    {
        clock_gettime(ClockThreadCpuTime, out var ts);
        return (ts[0] * 1_000_000_000L) + ts[1];
    }

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial int clock_gettime(int clock, out Timespec ts);

    [System.Runtime.CompilerServices.InlineArray(2)]
    private struct Timespec
    {
        private long _element;
    }
}
