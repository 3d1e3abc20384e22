using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Dns;

namespace PixieHost.Tests.Pem.Protocols.Dns;

[TestFixture]
public class DnsStitcherTests
{
    private static DnsRequest Req(ushort txid, ulong ts) => new() { TxId = txid, Header = [], Body = [], TimestampNs = ts };

    [Test]
    public void Match_OutOfOrderResponses_PairedByTxid()
    {
        var s = new DnsStitcher();
        var stats = new ProtocolStats();
        s.Add(Req(1, 10), stats);
        s.Add(Req(2, 20), stats);
        s.Add(Req(3, 30), stats);

        s.Match(3)!.TimestampNs.Should().Be(30);
        s.Match(1)!.TimestampNs.Should().Be(10);
        s.Match(9).Should().BeNull();
        s.Match(2)!.TimestampNs.Should().Be(20);
        s.PendingCount.Should().Be(0);
    }

    [Test]
    public void Match_SameTxidTwice_OldestFirst()
    {
        var s = new DnsStitcher();
        s.Add(Req(7, 10), new ProtocolStats());
        s.Add(Req(7, 20), new ProtocolStats());

        s.Match(7)!.TimestampNs.Should().Be(10);
        s.Match(7)!.TimestampNs.Should().Be(20);
    }

    [Test]
    public void Add_PastBound_DropsOldestAndCounts()
    {
        var s = new DnsStitcher();
        var stats = new ProtocolStats();
        for (var i = 0; i < DnsStitcher.MaxPending + 3; i++)
        {
            s.Add(Req((ushort)i, (ulong)i), stats);
        }

        s.PendingCount.Should().Be(DnsStitcher.MaxPending);
        stats.ExpiredMessages.Should().Be(3);
        s.Match(0).Should().BeNull();
    }

    [Test]
    public void ExpireAndClear_CountWhatWasDropped()
    {
        var s = new DnsStitcher();
        for (ushort i = 1; i <= 4; i++)
        {
            s.Add(Req(i, i * 10UL), new ProtocolStats());
        }

        s.Expire(25).Should().Be(2);
        s.Clear().Should().Be(2);
    }
}
