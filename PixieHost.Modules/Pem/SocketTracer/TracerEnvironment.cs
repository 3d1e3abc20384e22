using PixieHost.Modules.Pem.ProcessStats;
using System.Runtime.InteropServices;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>What the tracer reads from the host: clocks and process start times. Tests substitute a fake.</summary>
public interface ITracerEnvironment
{
    /// <summary>CLOCK_MONOTONIC now, in ns: the clock of the events' <c>ts_ns</c>.</summary>
    long MonotonicNowNs();

    /// <summary>CLOCK_REALTIME − CLOCK_MONOTONIC, in ns: added to an event time to get wall-clock time.</summary>
    long RealtimeOffsetNs();

    /// <summary>Start time of process <paramref name="pid"/> in clock ticks (/proc/PID/stat field 22); 0 if unknown.</summary>
    ulong ProcessStartTicks(uint pid);
}

/// <summary>Linux clocks through <c>clock_gettime</c>, process start times from /proc.</summary>
public sealed partial class LinuxTracerEnvironment : ITracerEnvironment
{
    private const int ClockRealtime = 0;
    private const int ClockMonotonic = 1;

    public long MonotonicNowNs() => Now(ClockMonotonic);

    public long RealtimeOffsetNs()
    {
        // Bracket the realtime read by two monotonic reads and keep the tightest of three tries: error < 1 µs.
        long best = 0, bestWidth = long.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var m0 = Now(ClockMonotonic);
            var r = Now(ClockRealtime);
            var m1 = Now(ClockMonotonic);
            if (m1 - m0 < bestWidth)
            {
                bestWidth = m1 - m0;
                best = r - (m0 + ((m1 - m0) / 2));
            }
        }

        return best;
    }

    /// <summary>Field 22 of /proc/PID/stat through the shared /proc parser; 0 when the process is gone.</summary>
    public ulong ProcessStartTicks(uint pid) => ProcFs.Default.StartTimeTicks((int)pid) ?? 0;

    private static long Now(int clock)
    {
        clock_gettime(clock, out var ts);
        return (ts.Sec * 1_000_000_000L) + ts.Nsec;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out Timespec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec;
        public long Nsec;
    }
}
