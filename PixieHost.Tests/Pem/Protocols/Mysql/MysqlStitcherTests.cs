using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Mysql;
using static PixieHost.Tests.Pem.Protocols.Mysql.MysqlParserTests;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>Pairing through the handler on hand-made traffic: order, commands without responses, statements, limits.</summary>
[TestFixture]
public sealed class MysqlStitcherTests
{
    private static readonly byte[] Ok = [0, 1, 0, 2, 0, 0, 0];

    private MysqlHandler _h = null!;
    private MysqlDriver _d = null!;
    private ulong _ts;

    [SetUp]
    public void SetUp()
    {
        _h = new MysqlHandler();
        _d = new MysqlDriver(_h);
        _ts = 1_000;
    }

    [TearDown]
    public void TearDown() => _d.Dispose();

    private void Client(byte[] bytes) => Step(true, bytes);

    private void Server(params byte[][] packets) => Step(false, [.. packets.SelectMany(p => p)]);

    private void Step(bool fromClient, byte[] bytes)
    {
        _ts += 1_000;
        _d.Add(fromClient, bytes, _ts);
        _d.Process();
    }

    private static byte[] PrepareOk(uint id, ushort columns, ushort parameters) =>
        Packet(1, 0, (byte)id, (byte)(id >> 8), 0, 0, (byte)columns, 0, (byte)parameters, 0, 0, 0, 0);

    private static byte[] Execute(uint id, params byte[] rest) => Packet(0, [MysqlCommands.StmtExecute, (byte)id, 0, 0, 0, 0, 1, 0, 0, 0, .. rest]);

    [Test]
    public void StmtClose_NoResponseRowThenExecuteOfClosedIdShowsOnlyTheId()
    {
        Client(Command(MysqlCommands.StmtPrepare, "DELETE FROM t WHERE id = ?"));
        Server(PrepareOk(5, 0, 1), Packet(2, [3, .. "def"u8]));
        Client(Execute(5, 0, 1, MysqlTypes.LongLong, 0, 42, 0, 0, 0, 0, 0, 0, 0));
        Server(Packet(1, Ok));
        Client(Packet(0, MysqlCommands.StmtClose, 5, 0, 0, 0));
        Client(Execute(5, 0, 1, MysqlTypes.LongLong, 0, 43, 0, 0, 0, 0, 0, 0, 0));
        Server(Packet(1, Ok));

        var rows = _d.TakeRows();
        rows.Select(r => (string)r["req_body"]!).Should().Equal("DELETE FROM t WHERE id = ?", "DELETE FROM t WHERE id = 42", "", "stmt_id=5");
        rows[2]["req_cmd"].Should().Be((long)MysqlCommands.StmtClose);
        rows[2]["resp_status"].Should().Be((long)MysqlRespStatus.None);
        rows[2]["latency"].Should().Be(0L);
        rows[1]["latency"].Should().Be(1000L);
    }

    [Test]
    public void Execute_WithoutNewTypes_ReusesTheLastBoundTypes()
    {
        Client(Command(MysqlCommands.StmtPrepare, "SELECT ?"));
        Server(PrepareOk(1, 0, 1), Packet(2, [3, .. "def"u8]));
        Client(Execute(1, 0, 1, MysqlTypes.Tiny, 0x80, 200));
        Server(Packet(1, Ok));
        Client(Execute(1, 0, 0, 7));
        Server(Packet(1, Ok));

        _d.TakeRows().Skip(1).Select(r => (string)r["req_body"]!).Should().Equal("SELECT 200", "SELECT 7");
    }

    [Test]
    public void Execute_DateTimeTimeQuotedQuestionMark_Rendered()
    {
        Client(Command(MysqlCommands.StmtPrepare, "SELECT '?', ?, ?, ?, \"a\\\"?\""));
        Server(PrepareOk(2, 0, 3), Packet(2, [3, .. "def"u8]), Packet(3, [3, .. "def"u8]), Packet(4, [3, .. "def"u8]));
        Client(Execute(2, 0, 1, MysqlTypes.Date, 0, MysqlTypes.DateTime, 0, MysqlTypes.Time, 0,
            4, 0xe8, 0x07, 2, 29,
            11, 0xe8, 0x07, 2, 29, 23, 59, 58, 0x40, 0xe2, 0x01, 0,
            8, 1, 1, 0, 0, 0, 2, 3, 4));
        Server(Packet(1, Ok));

        _d.TakeRows()[1]["req_body"].Should().Be("SELECT '?', 2024-02-29, 2024-02-29 23:59:58.123456, -26:03:04, \"a\\\"?\"");
    }

    [Test]
    public void LongQuery_TruncatedWithPixieMarker()
    {
        var q = "SELECT '" + new string('x', 2000) + "'";
        Client(Command(MysqlCommands.Query, q));
        Server(Packet(1, Ok));

        var body = (string)_d.TakeRows()[0]["req_body"]!;
        body.Should().Be(q[..1024] + "... [TRUNCATED]");
    }

    [Test]
    public void QueryAttributesPrefix_Stripped()
    {
        Client(Packet(0, [MysqlCommands.Query, 0, 1, .. "SELECT 1"u8]));
        Server(Packet(1, Ok));

        _d.TakeRows()[0]["req_body"].Should().Be("SELECT 1");
    }

    [Test]
    public void ResponseBeforeAnyRequest_Unmatched()
    {
        Server(Packet(1, Ok));
        Client(Command(MysqlCommands.Ping, ""));
        Server(Packet(1, Ok));

        var rows = _d.TakeRows();
        rows.Should().ContainSingle().Which["req_cmd"].Should().Be((long)MysqlCommands.Ping);
        _h.Stats.UnmatchedResponses.Should().Be(1);
    }

    [Test]
    public void Close_ResponseCutShort_RequestDroppedQuitStillWritten()
    {
        Client(Command(MysqlCommands.Query, "SELECT x FROM t"));
        Server(Packet(1, 1), Packet(2, [3, .. "def"u8]));
        Client(Packet(0, MysqlCommands.Quit));
        _d.Close();

        var rows = _d.TakeRows();
        rows.Should().ContainSingle().Which["req_cmd"].Should().Be((long)MysqlCommands.Quit);
        _h.Stats.UnansweredRequests.Should().Be(1);
        _d.State.Response.InProgress.Should().BeFalse();
    }

    [Test]
    public void ProtocolHandlers_Create_RegistersMysqlForMysqlEvents()
    {
        var h = Modules.Pem.Protocols.ProtocolHandlers.Create(new Modules.Pem.SocketTracer.SocketTracerOptions())
            .Should().ContainSingle(x => x.Protocol == Modules.Pem.Ebpf.TrafficProtocol.Mysql).Subject;
        h.Schema.Name.Should().Be("mysql_events");
    }

    [Test]
    public void Expire_DropsUnansweredRequests()
    {
        Client(Command(MysqlCommands.Query, "SELECT SLEEP(100)"));
        _h.Expire(_d.State, _ts + 1);

        _d.State.Stitcher.PendingRequests.Should().Be(0);
        _h.Stats.ExpiredMessages.Should().Be(1);
    }

    [Test]
    public void Expire_ResultSetStillStreaming_KeepsItsRequest()
    {
        Client(Command(MysqlCommands.Query, "SELECT x FROM big"));
        Server(Packet(1, 1), Packet(2, [3, .. "def"u8]), Packet(3, 1, (byte)'a'));
        var requestTs = _ts - 1000;
        _h.Expire(_d.State, requestTs + 1);
        Server(Packet(4, 1, (byte)'b'), Packet(5, 0xfe, 0, 0, 2, 0, 0, 0));

        var row = _d.TakeRows().Should().ContainSingle().Subject;
        row["resp_body"].Should().Be("Resultset rows = 2");
        _h.Stats.ExpiredMessages.Should().Be(0);
    }

    [Test]
    public void Handshake_NoRowsAndCapabilitiesLearned()
    {
        Server(Greeting());
        Client(Packet(1, [.. BitConverter.GetBytes(MysqlCapabilities.Protocol41 | MysqlCapabilities.DeprecateEof), .. new byte[28], .. "root"u8, 0]));
        Server(Packet(2, Ok));

        _d.TakeRows().Should().BeEmpty();
        _d.State.ServerCapabilities.Should().NotBe(0);
        _d.State.ClientCapabilities.Should().NotBe(0);
        _h.Stats.UnmatchedResponses.Should().Be(0);
    }

    [Test]
    public void SslRequest_WithoutTlsProbes_Unparseable()
    {
        Server(Greeting());
        Client(Packet(1, [.. BitConverter.GetBytes(MysqlCapabilities.Protocol41 | MysqlCapabilities.Ssl), .. new byte[28]]));

        _d.Status.Should().Be(Modules.Pem.Protocols.ProtocolStatus.Unparseable);
    }

    [Test]
    public void Garbage_Unparseable()
    {
        var rnd = new Random(3);
        var junk = new byte[100_000];
        rnd.NextBytes(junk);
        for (var i = 0; i < junk.Length; i++)
        {
            junk[i] |= 0x80; // no seq-0 command can start here
        }

        Client(junk);
        _d.Status.Should().Be(Modules.Pem.Protocols.ProtocolStatus.Unparseable);
    }
}
