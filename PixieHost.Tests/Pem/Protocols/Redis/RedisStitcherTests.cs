using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Redis;

namespace PixieHost.Tests.Pem.Protocols.Redis;

[TestFixture]
public class RedisStitcherTests
{
    private static RedisRequest Req(string cmd, ulong ts, int extra = 0) =>
        new() { Command = System.Text.Encoding.ASCII.GetBytes(cmd), Args = [], TimestampNs = ts, ExtraReplies = extra };

    [Test]
    public void Match_Pipelined_FifoOrder()
    {
        var s = new RedisStitcher();
        var stats = new ProtocolStats();
        s.Add(Req("SET", 1), stats);
        s.Add(Req("GET", 2), stats);

        s.Match(out _)!.TimestampNs.Should().Be(1);
        s.Match(out _)!.TimestampNs.Should().Be(2);
        s.Match(out var absorbed).Should().BeNull();
        absorbed.Should().BeFalse();
    }

    [Test]
    public void Match_SubscribeThreeChannels_FirstPairedNextTwoAbsorbed()
    {
        var s = new RedisStitcher();
        s.Add(Req("SUBSCRIBE", 1, extra: 2), new ProtocolStats());
        s.Add(Req("PING", 2), new ProtocolStats());

        s.Match(out _)!.TimestampNs.Should().Be(1);
        s.Match(out var a1).Should().BeNull();
        s.Match(out var a2).Should().BeNull();
        (a1 && a2).Should().BeTrue();
        s.Match(out _)!.TimestampNs.Should().Be(2);
    }

    [Test]
    public void Add_PastBound_DropsOldestAndCounts()
    {
        var s = new RedisStitcher();
        var stats = new ProtocolStats();
        for (var i = 0; i < RedisStitcher.MaxPending + 5; i++)
        {
            s.Add(Req("GET", (ulong)i), stats);
        }

        s.PendingCount.Should().Be(RedisStitcher.MaxPending);
        stats.ExpiredMessages.Should().Be(5);
        s.Match(out _)!.TimestampNs.Should().Be(5);
    }

    [Test]
    public void ExpireAndClear_CountWhatWasDropped()
    {
        var s = new RedisStitcher();
        for (var i = 1; i <= 4; i++)
        {
            s.Add(Req("GET", (ulong)i * 10), new ProtocolStats());
        }

        s.Expire(25).Should().Be(2);
        s.Clear().Should().Be(2);
        s.Clear().Should().Be(0);
    }
}
