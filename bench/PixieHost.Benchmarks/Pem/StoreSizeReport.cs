using System.Diagnostics;
using PixieHost.Modules.Pem;
using PixieHost.Modules.TableStore;

namespace PixieHost.Benchmarks.Pem;

/// <summary>
/// A quick measurement without BenchmarkDotNet (<c>dotnet run -c Release -- quick</c>): ingest rate on one
/// thread, allocation per record, and the bytes an http_events row costs in the table.
/// </summary>
public static class StoreSizeReport
{
    public static void Run(int pairs = 200_000, int rounds = 5)
    {
        var recording = new HttpTrafficRecording(pairs, connections: 10);
        IngestBenchmarks.Ingest(recording, out _);
        var best = double.MaxValue;
        long allocated = 0;
        Table table = null!;
        for (var r = 0; r < rounds; r++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            IngestBenchmarks.Ingest(recording, out table);
            sw.Stop();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }

        Console.WriteLine($"events: {recording.EventCount}, records: {pairs}");
        Console.WriteLine($"ingest: {pairs / best / 1e6:F2} M records/s on one thread ({best * 1e9 / pairs:F0} ns/record)");
        Console.WriteLine($"allocated: {allocated / (double)pairs:F0} bytes/record");
        Console.WriteLine($"http_events: {table.RowCount} rows, {table.Bytes} bytes, {table.Bytes / (double)table.RowCount:F1} bytes/row");
        var first = table.Snapshot()[0].Batch;
        for (var c = 0; c < first.Columns.Count; c++)
        {
            Console.WriteLine($"  {PemSchemas.HttpEvents[c].Name,-15} {first[c].ByteSize / (double)first.RowCount,8:F1} bytes/row");
        }
    }
}
