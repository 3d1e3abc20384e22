using PixieHost.Modules.Pem.Synthetic;
using BenchmarkDotNet.Attributes;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.TableStore;

namespace PixieHost.Benchmarks.Pxl;

/// <summary>
/// The query benchmarks through the real <see cref="QueryExecutor"/> on PxL text: 10M http_events rows for
/// (a) and (b), two 1M-row tables for (c). Bytes allocated per op divided by the rows read is the per-row allocation.
/// Run with <c>--filter *PxlQuery*</c>; rows are set by PIXIE_BENCH_ROWS (default 10M).
/// </summary>
[MemoryDiagnoser]
public class PxlQueryBenchmarks
{
    private QueryExecutor _executor = null!;

    public static long Rows => long.TryParse(Environment.GetEnvironmentVariable("PIXIE_BENCH_ROWS"), out var n) ? n : 10_000_000;

    [GlobalSetup]
    public void Setup()
    {
        var store = HttpEventsGenerator.CreateStore(Rows);
        JoinTablesGenerator.AddJoinTables(store, 1_000_000);
        _executor = NewExecutor(store);
    }

    public static QueryExecutor NewExecutor(TableStore store) =>
        new(store, () => HttpEventsGenerator.StartNs + (Rows * HttpEventsGenerator.RowSpacingNs) + 1);

    [Benchmark]
    public long FilterGroupBy() => Run(PxlQueries.FilterGroupBy);

    [Benchmark]
    public long TimeBins() => Run(PxlQueries.TimeBins);

    [Benchmark]
    public long Join() => Run(PxlQueries.Join);

    private long Run(string script)
    {
        var result = _executor.Execute(new QueryRequest(script));
        return result.Tables[0].Batches.Sum(b => (long)b.RowCount);
    }
}
