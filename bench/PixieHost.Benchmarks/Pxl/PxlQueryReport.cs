using PixieHost.Modules.Pem.Synthetic;
using System.Diagnostics;
using PixieHost.Modules.Pxl;

namespace PixieHost.Benchmarks.Pxl;

/// <summary>
/// <c>quick pxl [rows] [runs]</c>: the three query benchmarks without BenchmarkDotNet. Per query: the first (cold)
/// run, then the best and median of <c>runs</c> by thread CPU time (the executor runs on the calling thread, so
/// CPU time is per core and survives other processes competing for the cores), bytes allocated per query and per
/// row read, and the process's peak working set.
/// </summary>
public static partial class PxlQueryReport
{
    public static void Run(long rows, int runs)
    {
        Environment.SetEnvironmentVariable("PIXIE_BENCH_ROWS", rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sw = Stopwatch.StartNew();
        var store = HttpEventsGenerator.CreateStore(rows);
        JoinTablesGenerator.AddJoinTables(store, 1_000_000);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"generated {rows:N0} http_events rows + 2 x 1M join rows in {sw.Elapsed.TotalSeconds:F1} s; managed heap {heap / 1e6:F0} MB");
        var executor = PxlQueryBenchmarks.NewExecutor(store);
        Console.WriteLine("query          | cold ms | best ms (CPU) | median ms (CPU) | wall best ms | rows read | M rows/s/core (best, median) | alloc/query | B/row");
        var queries = new List<(string, string)> { ("a filter+gby", PxlQueries.FilterGroupBy), ("b time bins", PxlQueries.TimeBins), ("c join 1Mx1M", PxlQueries.Join) };
        if (Environment.GetEnvironmentVariable("PIXIE_BENCH_BREAKDOWN") == "1")
        {
            // Where (a)'s time goes: the same scan without quantiles, and with count only.
            queries.Add(("a no quantile", PxlQueries.FilterGroupBy.Replace("    quantiles=('latency', px.quantiles),\n", string.Empty, StringComparison.Ordinal).Replace("df.p99 = px.pluck_float64(df.quantiles, 'p99')\n", string.Empty, StringComparison.Ordinal)));
            queries.Add(("a count only", PxlQueries.FilterGroupBy.Replace("    quantiles=('latency', px.quantiles),\n", string.Empty, StringComparison.Ordinal).Replace("    mean=('latency', px.mean),\n", string.Empty, StringComparison.Ordinal).Replace("df.p99 = px.pluck_float64(df.quantiles, 'p99')\n", string.Empty, StringComparison.Ordinal)));
            // An entity filter with its empty default ("all"), as library scripts write it: RemoveTrueFiltersRule drops it.
            queries.Add(("a count + contains ''", PxlQueries.FilterGroupBy.Replace("    quantiles=('latency', px.quantiles),\n", string.Empty, StringComparison.Ordinal).Replace("    mean=('latency', px.mean),\n", string.Empty, StringComparison.Ordinal).Replace("df.p99 = px.pluck_float64(df.quantiles, 'p99')\n", string.Empty, StringComparison.Ordinal).Replace("df = df[df.req_path != '/healthz']\n", "df = df[df.req_path != '/healthz']\ndf = df[px.contains(df.req_path, '')]\n", StringComparison.Ordinal)));
        }

        foreach (var (name, script) in queries)
        {
            var cold = Measure(executor, script);
            var samples = Enumerable.Range(0, runs).Select(_ => Measure(executor, script)).ToList();
            var cpu = samples.Select(s => s.CpuNs).Order().ToList();
            var best = cpu[0];
            var median = cpu[cpu.Count / 2];
            var read = samples[0].Rows;
            var alloc = samples.Min(s => s.Allocated);
            Console.WriteLine($"{name,-14} | {cold.CpuNs / 1e6,7:F0} | {best / 1e6,13:F0} | {median / 1e6,15:F0} | {samples.Min(s => s.WallNs) / 1e6,12:F0} | {read,9:N0} | {read / (best / 1e9) / 1e6,6:F1}, {read / (median / 1e9) / 1e6,6:F1} | {alloc / 1e6,8:F2} MB | {alloc / (double)read:F3}");
        }

        Console.WriteLine($"process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB (includes the generated tables, {heap / 1e6:F0} MB)");
    }

    private static (long CpuNs, long WallNs, long Allocated, long Rows) Measure(QueryExecutor executor, string script)
    {
        var alloc0 = GC.GetAllocatedBytesForCurrentThread();
        var cpu0 = ThreadCpuNs();
        var wall = Stopwatch.StartNew();
        var result = executor.Execute(new QueryRequest(script));
        var wallNs = (long)(wall.Elapsed.TotalMilliseconds * 1e6);
        var cpu = ThreadCpuNs() - cpu0;
        return (cpu, wallNs, GC.GetAllocatedBytesForCurrentThread() - alloc0, result.Stats.RecordsProcessed);
    }

    internal static long ThreadCpuNs()
    {
        clock_gettime(3, out var ts);
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
