using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Benchmarks.Pxl;

/// <summary><c>quick quantiles</c>: ns per row of the quantiles and mean accumulators alone, 10M rows over ~2000 groups.</summary>
public static class QuantileMicro
{
    public static void Run()
    {
        const int Rows = 8192;
        const int Batches = 1220;
        var rng = new Random(1);
        var ids = Enumerable.Range(0, Rows).Select(_ => rng.Next(2000)).ToArray();
        var values = new Int64Column(Enumerable.Range(0, Rows).Select(_ => (long)Math.Exp(14.5 + rng.NextDouble() * 3)).ToArray(), Rows);
        foreach (var name in new[] { "quantiles", "mean", "count", "quantiles", "mean" })
        {
            FunctionRegistry.Default.TryGetAggregate(name, out var f);
            var acc = f.Create(DataType.Int64);
            acc.EnsureGroups(2000);
            var t0 = PxlQueryReport.ThreadCpuNs();
            for (var b = 0; b < Batches; b++)
            {
                acc.Update(ids, values);
            }

            var update = (PxlQueryReport.ThreadCpuNs() - t0) / 1e6;
            acc.Finish(2000);
            Console.WriteLine($"{name,-10} update {update * 1e6 / (Rows * (double)Batches),6:F2} ns/row, finish {((PxlQueryReport.ThreadCpuNs() - t0) / 1e6) - update:F1} ms (thread CPU)");
        }
    }
}
