using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Support;

/// <summary>Fixed clocks and process start times for socket tracer tests.</summary>
public sealed class FakeTracerEnvironment : ITracerEnvironment
{
    public long NowNs { get; set; } = 2_000_000_000;

    public long OffsetNs { get; set; } = 1_700_000_000_000_000_000;

    public ulong StartTicks { get; set; } = 4242;

    public int StartTimeReads { get; private set; }

    public long MonotonicNowNs() => NowNs;

    public int OffsetReads { get; private set; }

    public long RealtimeOffsetNs()
    {
        OffsetReads++;
        return OffsetNs;
    }

    public ulong ProcessStartTicks(uint pid)
    {
        StartTimeReads++;
        return StartTicks;
    }
}
