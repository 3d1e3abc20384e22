using BenchmarkDotNet.Running;
using System.Globalization;
using PixieHost.Benchmarks.Pem;
using PixieHost.Benchmarks.Pxl;

namespace PixieHost.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["quick", "pxl", ..])
        {
            PxlQueryReport.Run(args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 10_000_000, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5);
            return;
        }

        if (args is ["quick", "vizier", ..])
        {
            Vizier.VizierReport.Run(args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 5_000_000, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5);
            return;
        }

        if (args is ["quick", "quantiles", ..])
        {
            QuantileMicro.Run();
            return;
        }

        if (args is ["quick", ..])
        {
            StoreSizeReport.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
