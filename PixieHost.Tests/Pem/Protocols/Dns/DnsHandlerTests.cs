using System.Buffers.Binary;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Dns;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Dns;

/// <summary>Real dnsmasq and dig through a recording UDP relay / TCP proxy, replayed into the handler.</summary>
[TestFixture]
[NonParallelizable]
public class DnsHandlerTests
{
    private DnsServer _server = null!;

    [OneTimeSetUp]
    public void StartServer() => _server = DnsServer.Start();

    [OneTimeTearDown]
    public void StopServer() => _server.Dispose();

    [Test]
    public async Task Process_DigUdpA_RowWithPixieHeaderAndBodyJson()
    {
        var conns = await DnsTestSupport.RecordUdpAsync(_server.Port, port => DnsServer.Dig(port, "example.test", "A"));

        conns.Should().HaveCount(1);
        var txid = BinaryPrimitives.ReadUInt16BigEndian(conns[0].Chunks[0].Bytes);
        foreach (var side in new[] { TraceRole.Client, TraceRole.Server })
        {
            var rows = DnsTestSupport.UdpRows(conns[0], side);
            rows.Should().HaveCount(1);
            var r = rows[0];
            r["req_header"].Should().Be($$"""{"txid":{{txid}},"qr":0,"opcode":0,"aa":0,"tc":0,"rd":1,"ra":0,"ad":1,"cd":0,"rcode":0,"num_queries":1,"num_answers":0,"num_auth":0,"num_addl":1}""");
            r["req_body"].Should().Be("""{"queries":[{"name":"example.test","type":"A"}]}""");
            r["resp_header"].Should().Be($$"""{"txid":{{txid}},"qr":1,"opcode":0,"aa":1,"tc":0,"rd":1,"ra":1,"ad":0,"cd":0,"rcode":0,"num_queries":1,"num_answers":1,"num_auth":0,"num_addl":1}""");
            r["resp_body"].Should().Be("""{"answers":[{"name":"example.test","type":"A","addr":"10.1.2.3"}]}""");
            ((long)r["latency"]!).Should().BePositive();
            r["trace_role"].Should().Be((long)side);
        }
    }

    [TestCase("v6.example.test", "AAAA", """{"answers":[{"name":"v6.example.test","type":"AAAA","addr":"fd00::1"}]}""")]
    [TestCase("alias.example.test", "A", """{"answers":[{"name":"alias.example.test","type":"CNAME","cname":"host.example.test"},{"name":"host.example.test","type":"A","addr":"10.9.8.7"}]}""")]
    [TestCase("mx.example.test", "MX", """{"answers":[{"name":"mx.example.test","type":"MX"}]}""")]
    [TestCase("txt.example.test", "TXT", """{"answers":[{"name":"txt.example.test","type":"TXT"}]}""")]
    public async Task Process_DigOtherTypes_AnswersRendered(string name, string type, string body)
    {
        var conns = await DnsTestSupport.RecordUdpAsync(_server.Port, port => DnsServer.Dig(port, name, type));

        var rows = DnsTestSupport.UdpRows(conns[0], TraceRole.Client);

        rows.Should().ContainSingle();
        rows[0]["req_body"].Should().Be($$"""{"queries":[{"name":"{{name}}","type":"{{type}}"}]}""");
        rows[0]["resp_body"].Should().Be(body);
    }

    [Test]
    public async Task Process_NameOutsideLocalZone_RcodeInHeaderNoAnswers()
    {
        var conns = await DnsTestSupport.RecordUdpAsync(_server.Port, port => DnsServer.Dig(port, "nothing.invalid", "A"));

        var rows = DnsTestSupport.UdpRows(conns[0], TraceRole.Client);

        rows.Should().ContainSingle();
        ((string)rows[0]["resp_header"]!).Should().MatchRegex("\"rcode\":[1-9]");
        rows[0]["resp_body"].Should().Be("""{"answers":[]}""");
    }

    [Test]
    public async Task Process_DigTcp_LengthPrefixedMessagesParsed()
    {
        var conns = await DnsTestSupport.RecordTcpAsync(_server.Port, port => DnsServer.Dig(port, "+tcp", "host.example.test", "A"));

        var rows = DnsTestSupport.TcpRows(conns[0], TraceRole.Client);

        rows.Should().ContainSingle();
        rows[0]["req_body"].Should().Be("""{"queries":[{"name":"host.example.test","type":"A"}]}""");
        rows[0]["resp_body"].Should().Be("""{"answers":[{"name":"host.example.test","type":"A","addr":"10.9.8.7"}]}""");
        ((long)rows[0]["latency"]!).Should().BePositive();
    }

    [Test]
    public async Task Process_ResponsesOutOfOrderWithGarbageDatagram_PairedByTxidGarbageSkipped()
    {
        var names = new[] { "a.example.test", "host.example.test", "v6.example.test" };
        var conns = new List<RecordedConnection>();
        foreach (var n in names)
        {
            conns.AddRange(await DnsTestSupport.RecordUdpAsync(_server.Port, port => DnsServer.Dig(port, n, n.StartsWith("v6") ? "AAAA" : "A")));
        }

        var queries = conns.Select(c => c.Chunks.First(x => x.FromClient).Bytes).ToList();
        var answers = conns.Select(c => c.Chunks.First(x => !x.FromClient).Bytes).ToList();
        var handler = new DnsHandler();
        var rows = DnsTestSupport.Rows(handler, tracer =>
        {
            var b = new SocketEventBuilder(tracer, fd: 11) { Protocol = TrafficProtocol.Dns, SockType = 2 };
            b.Open(TraceRole.Client, "127.0.0.1:40000", "127.0.0.1:53");
            b.Data(TrafficDirection.Send, queries[0]).Data(TrafficDirection.Send, queries[1]).Data(TrafficDirection.Send, queries[2]).EndBatch();
            b.Data(TrafficDirection.Recv, answers[2]).EndBatch();
            b.Data(TrafficDirection.Recv, [0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03]).EndBatch();
            b.Data(TrafficDirection.Recv, answers[0]).Data(TrafficDirection.Recv, answers[1]).EndBatch();
        });

        rows.Select(r => (string)r["req_body"]!).Should().Equal(
            """{"queries":[{"name":"v6.example.test","type":"AAAA"}]}""",
            """{"queries":[{"name":"a.example.test","type":"A"}]}""",
            """{"queries":[{"name":"host.example.test","type":"A"}]}""");
        rows.Select(r => (string)r["resp_body"]!).Should().Equal(
            """{"answers":[{"name":"v6.example.test","type":"AAAA","addr":"fd00::1"}]}""",
            """{"answers":[{"name":"a.example.test","type":"A","addr":"10.1.2.3"}]}""",
            """{"answers":[{"name":"host.example.test","type":"A","addr":"10.9.8.7"}]}""");
        handler.Stats.ParseErrors.Should().BePositive();
        handler.Stats.BytesSkipped.Should().BeGreaterThanOrEqualTo(7);
    }

    [Test]
    public async Task Process_ServerSocketRoleUnknown_InferredFromQuery()
    {
        var conns = await DnsTestSupport.RecordUdpAsync(_server.Port, port => DnsServer.Dig(port, "example.test", "A"));

        var rows = DnsTestSupport.UdpRows(conns[0], TraceRole.Unknown);

        rows.Should().ContainSingle();
        rows[0]["trace_role"].Should().Be((long)TraceRole.Server, "a socket that receives the query is the server");
    }

    [Test]
    [Explicit("Rewrites the committed corpus from the real server")]
    public async Task RecordCorpus()
    {
        string[][] queries =
        [
            ["example.test", "A"], ["deep.sub.example.test", "A"], ["v6.example.test", "AAAA"], ["alias.example.test", "A"],
            ["mx.example.test", "MX"], ["txt.example.test", "TXT"], ["nothing.invalid", "A"], ["example.test", "A", "host.example.test", "A"],
            ["+norecurse", "host.example.test", "A"], ["+nocookie", "+noedns", "example.test", "A"], ["-x", "10.9.8.7"],
        ];
        var udp = new List<RecordedConnection>();
        var tcp = new List<RecordedConnection>();
        foreach (var q in queries)
        {
            udp.AddRange(await DnsTestSupport.RecordUdpAsync(_server.Port, port => DnsServer.Dig(port, q)));
            tcp.AddRange(await DnsTestSupport.RecordTcpAsync(_server.Port, port => DnsServer.Dig(port, ["+tcp", .. q])));
        }

        DnsTestSupport.SaveCorpus("udp.bin", udp);
        DnsTestSupport.SaveCorpus("tcp.bin", tcp);
    }
}
