using BenchmarkDotNet.Running;
using PixieHost.Benchmarks.Pem;

namespace PixieHost.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["quick", ..])
        {
            StoreSizeReport.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
