using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.SocketTracer;

[TestFixture]
public class ConnTrackerTests
{
    [TestCase(TraceRole.Server, TrafficDirection.Recv)]
    [TestCase(TraceRole.Client, TrafficDirection.Send)]
    public void RequestStream_ByRole_IsTheDirectionRequestsTravel(TraceRole role, TrafficDirection requestDirection)
    {
        using var t = new ConnTracker(default, role, 4096, 2);

        t.RequestStream.Should().BeSameAs(t.Stream(requestDirection));
        t.ResponseStream.Should().NotBeSameAs(t.RequestStream);
    }

    [Test]
    public unsafe void SetEndpoints_Ipv4AndIpv6_FormatsAddresses()
    {
        using var t = new ConnTracker(default, TraceRole.Server, 4096, 2);
        var local = new SockAddr { Family = 10, Port = 8080 };
        local.Addr[15] = 1;
        var remote = new SockAddr { Family = 2, Port = 40000 };
        remote.Addr[0] = 192;
        remote.Addr[1] = 168;
        remote.Addr[3] = 7;

        t.SetEndpoints(local, remote);

        t.LocalAddr.Should().Be("::1");
        t.LocalPort.Should().Be(8080);
        t.RemoteAddr.Should().Be("192.168.0.7");
        t.RemotePort.Should().Be(40000);
        t.AddressFamily.Should().Be(2);
    }

    [Test]
    public void MarkClosed_ClosesBothStreams()
    {
        using var t = new ConnTracker(default, TraceRole.Client, 4096, 2);

        t.MarkClosed();

        t.IsClosed.Should().BeTrue();
        t.Send.IsClosed.Should().BeTrue();
        t.Recv.IsClosed.Should().BeTrue();
    }

    [Test]
    public void SetRole_Inferred_SwapsRequestDirection()
    {
        using var t = new ConnTracker(default, TraceRole.Unknown, 4096, 2);

        t.SetRole(TraceRole.Client, inferred: true);

        t.Role.Should().Be(TraceRole.Client);
        t.RoleInferred.Should().BeTrue();
        t.RequestStream.Should().BeSameAs(t.Send);
    }
}
