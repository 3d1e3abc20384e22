using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Dns;

namespace PixieHost.Tests.Pem.Protocols.Dns;

[TestFixture]
public class DnsParserTests
{
    /// <summary>txid 0x1234, a response (rd ra), one question "a.b" A and one answer pointing back to it (0xC00C).</summary>
    private static byte[] Response() =>
    [
        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
        1, (byte)'a', 1, (byte)'b', 0, 0, 1, 0, 1,
        0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7,
    ];

    [Test]
    public void TryParse_CompressedAnswer_PixieJson()
    {
        var msg = new DnsMessage();
        var bytes = Response();

        DnsParser.TryParse(bytes, msg, out var consumed).Should().Be(DnsParseResult.Ok);

        consumed.Should().Be(bytes.Length);
        msg.TxId.Should().Be(0x1234);
        Encoding.UTF8.GetString(msg.Header.Span).Should().Be(
            """{"txid":4660,"qr":1,"opcode":0,"aa":0,"tc":0,"rd":1,"ra":1,"ad":0,"cd":0,"rcode":0,"num_queries":1,"num_answers":1,"num_auth":0,"num_addl":0}""");
        Encoding.UTF8.GetString(msg.Body.Span).Should().Be("""{"answers":[{"name":"a.b","type":"A","addr":"192.0.2.7"}]}""");
    }

    [Test]
    public void TryParse_EveryStrictPrefix_NeedsMore()
    {
        var bytes = Response();
        for (var n = 0; n < bytes.Length; n++)
        {
            DnsParser.TryParse(bytes.AsSpan(0, n), new DnsMessage(), out _).Should().Be(DnsParseResult.NeedMore, $"prefix of {n} bytes");
        }
    }

    [Test]
    public void TryParse_PointerToItself_Malformed()
    {
        var bytes = Response();
        bytes[21] = 0xC0;
        bytes[22] = 21; // the answer's name points at itself

        DnsParser.TryParse(bytes, new DnsMessage(), out _).Should().Be(DnsParseResult.Malformed);
    }

    [Test]
    public void TryParse_ForwardPointer_Malformed()
    {
        var bytes = Response();
        bytes[22] = 30;

        DnsParser.TryParse(bytes, new DnsMessage(), out _).Should().Be(DnsParseResult.Malformed);
    }

    [Test]
    public void ReadName_PointerChainBackwards_EndsWithinJumpLimit()
    {
        // Each 2-byte pointer points at the one before it; the first points at a name "x".
        var msg = new List<byte> { 1, (byte)'x', 0 };
        for (var i = 0; i < 100; i++)
        {
            var target = i == 0 ? 0 : 3 + ((i - 1) * 2);
            msg.Add((byte)(0xC0 | (target >> 8)));
            msg.Add((byte)target);
        }

        var dst = new byte[400];
        DnsParser.ReadName(msg.ToArray(), 3 + (5 * 2), dst, out var n, out _).Should().Be(DnsParseResult.Ok);
        Encoding.ASCII.GetString(dst, 0, n).Should().Be("x");
        DnsParser.ReadName(msg.ToArray(), msg.Count - 2, dst, out _, out _).Should().Be(DnsParseResult.Malformed, "99 jumps exceed the limit");
    }

    [Test]
    public void ReadName_LongerThan255_Malformed()
    {
        var msg = new List<byte>();
        for (var i = 0; i < 5; i++)
        {
            msg.Add(63);
            msg.AddRange(Enumerable.Repeat((byte)'a', 63));
        }

        msg.Add(0);

        DnsParser.ReadName(msg.ToArray(), 0, new byte[400], out _, out _).Should().Be(DnsParseResult.Malformed);
    }

    [Test]
    public void TryParse_ReservedLabelType_Malformed()
    {
        var bytes = Response();
        bytes[12] = 0x41;

        DnsParser.TryParse(bytes, new DnsMessage(), out _).Should().Be(DnsParseResult.Malformed);
    }

    [Test]
    public void AppendType_UnknownNumber_Rfc3597Name()
    {
        var j = new DnsJson();

        DnsParser.AppendType(j, 4242);

        Encoding.UTF8.GetString(j.Span).Should().Be("TYPE4242");
    }

    [Test]
    public void TryParse_RecordedDatagrams_EachOneWholeMessage()
    {
        var datagrams = DnsTestSupport.LoadDatagrams();
        datagrams.Should().HaveCountGreaterThan(10);
        var msg = new DnsMessage();
        foreach (var (fromClient, bytes) in datagrams)
        {
            DnsParser.TryParse(bytes, msg, out var consumed).Should().Be(DnsParseResult.Ok);
            consumed.Should().Be(bytes.Length, "the walk over every section ends at the datagram's end");
            msg.IsResponse.Should().Be(!fromClient);
            DnsParser.LooksLikeDns(bytes).Should().BeTrue();
        }
    }

    [Test]
    public void TryParse_RecordedDatagramsConcatenated_SplitAtTheirBoundaries()
    {
        var datagrams = DnsTestSupport.LoadDatagrams();
        var all = datagrams.SelectMany(d => d.Bytes).ToArray();
        var msg = new DnsMessage();
        ReadOnlySpan<byte> b = all;
        var n = 0;
        while (!b.IsEmpty)
        {
            DnsParser.TryParse(b, msg, out var consumed).Should().Be(DnsParseResult.Ok);
            consumed.Should().Be(datagrams[n++].Bytes.Length);
            b = b[consumed..];
        }
    }

    [TestCase("*3\r\n$3\r\nSET\r\n$1\r\na\r\n")]
    [TestCase("GET / HTTP/1.1\r\nHost: x\r\n")]
    [TestCase("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\u0000")]
    public void LooksLikeDns_OtherProtocols_False(string wire) =>
        DnsParser.LooksLikeDns(Encoding.Latin1.GetBytes(wire)).Should().BeFalse();

    [Test]
    public void LooksLikeDns_QueryWithTwoQuestions_False()
    {
        var q = DnsTestSupport.LoadDatagrams().First(d => d.FromClient).Bytes.ToArray();
        q[5] = 2;

        DnsParser.LooksLikeDns(q).Should().BeFalse();
    }
}
