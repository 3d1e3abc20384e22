using System.Buffers;
using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Pgsql;
using static PixieHost.Tests.Pem.Protocols.Pgsql.PgsqlWire;

namespace PixieHost.Tests.Pem.Protocols.Pgsql;

/// <summary>The framing over the recorded corpus (psql, pgbench, Npgsql against PostgreSQL 15) and over edge cases.</summary>
[TestFixture]
public sealed class PgsqlParserTests
{
    private static List<List<(bool FromClient, byte[] Bytes)>> Corpus => PgsqlCorpus.Load();

    [Test]
    public void TryParse_RecordedStreams_EveryByteFramed()
    {
        Corpus.Should().HaveCountGreaterThanOrEqualTo(5);
        foreach (var conn in Corpus)
        {
            var client = Concat(conn, fromClient: true);
            var server = Concat(conn, fromClient: false);
            var clientTags = FrameAll(client, frontend: true, skipFirst: 0);
            clientTags[0].Should().Be(0, "every recorded client starts with a startup packet or SSLRequest");
            clientTags[^1].Should().Be((byte)'X', "clients end with Terminate");
            var sslAnswered = client.Length >= 8 && client[7] == 0x2f; // 80877103 ends in 0x2f
            var serverTags = FrameAll(server, frontend: false, skipFirst: sslAnswered ? 1 : 0);
            serverTags.Should().Contain((byte)'Z').And.Contain((byte)'R');
        }
    }

    [Test]
    public void LooksLikePgsql_FirstClientWrite_True()
    {
        foreach (var conn in Corpus)
        {
            PgsqlParser.LooksLikePgsql(conn.First(c => c.FromClient).Bytes).Should().BeTrue();
        }

        PgsqlParser.LooksLikePgsql(Query("SELECT 1")).Should().BeTrue();
        PgsqlParser.LooksLikePgsql(Cat(Parse("", "SELECT $1"), Bind("", "", "1"))).Should().BeTrue();
    }

    [TestCase("GET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [TestCase("*1\r\n$4\r\nPING\r\n")]
    [TestCase("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003")]
    [TestCase("Q\u0000\u0000\u0000\u0003xx")]
    public void LooksLikePgsql_OtherProtocols_False(string text) =>
        PgsqlParser.LooksLikePgsql(Encoding.Latin1.GetBytes(text)).Should().BeFalse();

    [Test]
    public void InferRole_RecordedFirstBytes_ClientAndServer()
    {
        foreach (var conn in Corpus)
        {
            var client = Concat(conn, fromClient: true);
            var server = Concat(conn, fromClient: false);
            PgsqlParser.InferRole(client, server).Should().Be(1);
            PgsqlParser.InferRole(server, client).Should().Be(2);
        }

        PgsqlParser.InferRole(Cat(Msg('D', I16(0)), Sync()), default).Should().Be(0, "D and S are sent by both sides");
        PgsqlParser.InferRole(Cat(Msg('T', I16(0))), default).Should().Be(2);
    }

    [Test]
    public void TryParse_EveryPrefix_NeedMoreData()
    {
        var m = Query("SELECT 42");
        for (var n = 0; n < m.Length; n++)
        {
            PgsqlParser.TryParse(m.AsSpan(0, n), true, 1 << 16, out _, out _).Should().Be(OperationStatus.NeedMoreData);
        }

        PgsqlParser.TryParse(m, true, 1 << 16, out var msg, out var used).Should().Be(OperationStatus.Done);
        used.Should().Be(m.Length);
        Encoding.UTF8.GetString(msg.Payload).Should().Be("SELECT 42\0");
    }

    [TestCase(true, new byte[] { (byte)'Z', 0, 0, 0, 5, (byte)'I' })]
    [TestCase(false, new byte[] { (byte)'Z', 0, 0, 0, 6, (byte)'I', 0 })]
    [TestCase(false, new byte[] { (byte)'Q', 0, 0, 0, 5, 0 })]
    [TestCase(true, new byte[] { (byte)'Q', 0, 0, 0, 2 })]
    [TestCase(true, new byte[] { (byte)'Q', 0x7f, 0, 0, 2 })]
    [TestCase(true, new byte[] { 0, 0, 0, 8, 0, 0, 0, 1 })]
    public void TryParse_WrongSideOrLength_InvalidData(bool frontend, byte[] bytes) =>
        PgsqlParser.TryParse(bytes, frontend, 1 << 16, out _, out _).Should().Be(OperationStatus.InvalidData);

    [Test]
    public void TryParse_MessageOverHeldLimit_TruncatedOnceLimitHeld()
    {
        var m = DataRow(new string('x', 100_000));

        PgsqlParser.TryParse(m.AsSpan(0, 1000), false, 4096, out _, out _).Should().Be(OperationStatus.NeedMoreData);
        PgsqlParser.TryParse(m, false, 4096, out var msg, out var used).Should().Be(OperationStatus.Done);

        msg.Truncated.Should().BeTrue();
        msg.Length.Should().Be(m.Length);
        used.Should().Be(4096);
    }

    [Test]
    public void FindMessageStart_GarbageThenMessages_FindsTheMessage()
    {
        var buf = Cat(Encoding.ASCII.GetBytes("zzzz\u0001\u0002"), CommandComplete("SELECT 1"), Ready());

        PgsqlParser.FindMessageStart(buf, frontend: false).Should().Be(6);
    }

    /// <summary>Frames every message of <paramref name="stream"/>; returns the tags; fails on anything left over.</summary>
    private static List<byte> FrameAll(byte[] stream, bool frontend, int skipFirst)
    {
        var tags = new List<byte>();
        var pos = skipFirst;
        while (pos < stream.Length)
        {
            var status = PgsqlParser.TryParse(stream.AsSpan(pos), frontend, int.MaxValue, out var m, out var used);
            status.Should().Be(OperationStatus.Done, $"a message starts at offset {pos} ({(frontend ? "client" : "server")})");
            tags.Add(m.Tag);
            pos += used;
            if (frontend && m.Tag == 0 && m.Payload.Length == 4 && m.Payload[3] == 0x2f)
            {
                // SSLRequest: the next packet is the startup packet.
                continue;
            }
        }

        return tags;
    }

    private static byte[] Concat(List<(bool FromClient, byte[] Bytes)> conn, bool fromClient) =>
        [.. conn.Where(c => c.FromClient == fromClient).SelectMany(c => c.Bytes)];
}
