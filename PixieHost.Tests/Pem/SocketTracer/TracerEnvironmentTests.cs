using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.SocketTracer;

[TestFixture]
public class TracerEnvironmentTests
{
    [Test]
    public void RealtimeOffsetNs_PlusMonotonicNow_IsWallClock()
    {
        var env = new LinuxTracerEnvironment();

        var wall = env.MonotonicNowNs() + env.RealtimeOffsetNs();

        var expected = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        wall.Should().BeCloseTo(expected, 50_000_000);
    }

    [Test]
    public void ProcessStartTicks_OwnProcess_MatchesProcStat()
    {
        var env = new LinuxTracerEnvironment();
        var pid = (uint)Environment.ProcessId;

        var ticks = env.ProcessStartTicks(pid);

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        ticks.Should().BeGreaterThan(0);
        stat.Should().Contain($" {ticks} ");
    }

    [Test]
    public void ProcessStartTicks_NoSuchProcess_Zero()
    {
        new LinuxTracerEnvironment().ProcessStartTicks(int.MaxValue - 7).Should().Be(0);
    }
}
