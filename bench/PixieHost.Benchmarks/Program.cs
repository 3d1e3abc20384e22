using BenchmarkDotNet.Running;
using PixieHost.Benchmarks.Pem;

namespace PixieHost.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["quick", ..])
        {
            if (args.Length > 2) { Exp2.Run(); return; } if (args.Length > 1) { Exp.Run(); return; } StoreSizeReport.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
