using BenchmarkDotNet.Attributes;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Benchmarks.Pem;

/// <summary>
/// Socket events → SocketTracer (reassemble, parse, stitch) → http_events rows → Table append.
/// One operation is one request/response pair, so the reported time is per record.
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private const int Pairs = 100_000;
    private HttpTrafficRecording _recording = null!;

    [GlobalSetup]
    public void Setup() => _recording = new HttpTrafficRecording(Pairs, connections: 10);

    [Benchmark(OperationsPerInvoke = Pairs)]
    public long IngestHttpPairs() => Ingest(_recording, out _);

    [GlobalCleanup]
    public void Report()
    {
        Ingest(_recording, out var table);
        Console.WriteLine($"// http_events: {table.RowCount} rows, {table.Bytes} bytes, {table.Bytes / (double)table.RowCount:F1} bytes/row");
    }

    /// <summary>Replays the recording into a fresh tracer and store; returns the rows stored.</summary>
    public static long Ingest(HttpTrafficRecording recording, out Table table)
    {
        var store = new TableStore();
        using var tracer = new SocketTracer(new SocketTracerOptions(), store);
        recording.Replay(tracer);
        tracer.Flush();
        table = store.GetOrAdd(PemSchemas.HttpEvents);
        return table.RowCount;
    }
}
