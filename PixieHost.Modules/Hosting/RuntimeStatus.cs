using System.Diagnostics;

namespace PixieHost.Modules.Hosting;

/// <summary>/statusz "runtime": the process's garbage collector, memory and threads, for telling a slow query from a busy process.</summary>
public sealed class RuntimeStatus : IStatusSource
{
    public string Name => "runtime";

    public object Snapshot()
    {
        var gc = GC.GetGCMemoryInfo();
        using var process = Process.GetCurrentProcess();
        return new Dictionary<string, object>
        {
            ["gc_gen0"] = GC.CollectionCount(0),
            ["gc_gen1"] = GC.CollectionCount(1),
            ["gc_gen2"] = GC.CollectionCount(2),
            ["gc_pause_total_ms"] = (long)GC.GetTotalPauseDuration().TotalMilliseconds,
            ["gc_heap_bytes"] = gc.HeapSizeBytes,
            ["allocated_bytes"] = GC.GetTotalAllocatedBytes(),
            ["working_set_bytes"] = process.WorkingSet64,
            ["threads"] = process.Threads.Count,
            ["thread_pool_threads"] = ThreadPool.ThreadCount,
        };
    }
}
