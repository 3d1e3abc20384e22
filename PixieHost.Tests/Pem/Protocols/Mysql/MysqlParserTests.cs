using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Mysql;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

[TestFixture]
public sealed class MysqlParserTests
{
    /// <summary>A packet: 3-byte length, sequence id, payload.</summary>
    internal static byte[] Packet(byte seq, params byte[] payload) =>
        [(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), seq, .. payload];

    internal static byte[] Command(byte cmd, string text) => Packet(0, [cmd, .. Encoding.UTF8.GetBytes(text)]);

    [Test]
    public void TryReadHeader_ThreeByteLittleEndianLength_AndSequence()
    {
        MysqlParser.TryReadHeader([0x01, 0x02, 0x03, 0x07], out var len, out var seq).Should().BeTrue();
        len.Should().Be(0x030201);
        seq.Should().Be(7);
        MysqlParser.TryReadHeader([0x01, 0x02, 0x03], out _, out _).Should().BeFalse();
    }

    [TestCase(new byte[] { 0x05 }, 5UL, 1)]
    [TestCase(new byte[] { 0xfc, 0x34, 0x12 }, 0x1234UL, 3)]
    [TestCase(new byte[] { 0xfd, 0x56, 0x34, 0x12 }, 0x123456UL, 4)]
    [TestCase(new byte[] { 0xfe, 1, 0, 0, 0, 0, 0, 0, 1 }, 0x0100000000000001UL, 9)]
    public void TryReadLenEnc_EachSize_ReadsValueAndAdvances(byte[] bytes, ulong value, int size)
    {
        var o = 0;
        MysqlParser.TryReadLenEnc(bytes, ref o, out var v).Should().BeTrue();
        v.Should().Be(value);
        o.Should().Be(size);
    }

    [Test]
    public void TryReadLenEnc_ShortOrNull_False()
    {
        var o = 0;
        MysqlParser.TryReadLenEnc([0xfc, 0x01], ref o, out _).Should().BeFalse();
        MysqlParser.TryReadLenEnc([0xfb], ref o, out _).Should().BeFalse();
        o.Should().Be(0);
    }

    [Test]
    public void TryParseErr_WithSqlState_SplitsCodeStateMessage()
    {
        byte[] err = [0xff, 0x7a, 0x04, (byte)'#', .. "42S02"u8, .. "Table 'x.y' doesn't exist"u8];
        MysqlParser.TryParseErr(err, out var code, out var state, out var msg).Should().BeTrue();
        code.Should().Be(1146);
        Encoding.ASCII.GetString(state).Should().Be("42S02");
        Encoding.ASCII.GetString(msg).Should().Be("Table 'x.y' doesn't exist");
    }

    [Test]
    public void TryParseOk_AffectedRowsAndStatus()
    {
        MysqlParser.TryParseOk([0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00], out var rows, out var status).Should().BeTrue();
        rows.Should().Be(3);
        status.Should().Be(2);
    }

    [Test]
    public void IsEof_FiveBytesOnly_OkWithFeHeaderIsNot()
    {
        MysqlParser.IsEof([0xfe, 0, 0, 2, 0], 5).Should().BeTrue();
        MysqlParser.IsEof([0xfe, 0, 0, 2, 0, 0, 0], 7).Should().BeFalse();
        MysqlParser.IsResultSetEnd([0xfe, 0, 0, 2, 0, 0, 0], 7).Should().BeTrue();
    }

    [Test]
    public void LooksLikeMysql_CommandsAndGreeting_TrueOtherProtocolsFalse()
    {
        MysqlParser.LooksLikeMysql(Command(MysqlCommands.Query, "SELECT 1")).Should().BeTrue();
        MysqlParser.LooksLikeMysql(Packet(0, MysqlCommands.Quit)).Should().BeTrue();
        MysqlParser.LooksLikeMysql(Packet(0, MysqlCommands.StmtClose, 1, 0, 0, 0)).Should().BeTrue();
        MysqlParser.LooksLikeMysql(Packet(0, MysqlCommands.StmtClose, 1, 0)).Should().BeFalse("COM_STMT_CLOSE has 4 bytes of id");
        MysqlParser.LooksLikeMysql(Packet(1, [MysqlCommands.Query, .. "SELECT 1"u8])).Should().BeFalse("commands have sequence 0");
        MysqlParser.LooksLikeMysql("GET / HTTP/1.1\r\n\r\n"u8).Should().BeFalse();
        MysqlParser.LooksLikeMysql("*1\r\n$4\r\nPING\r\n"u8).Should().BeFalse();
        MysqlParser.LooksLikeMysql([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f]).Should().BeFalse("a Postgres SSLRequest");
        MysqlParser.Classify(Greeting()).Should().Be(MysqlFirstPacket.Greeting);
    }

    [Test]
    public void TryParseGreeting_ReadsBothHalvesOfCapabilities()
    {
        MysqlParser.TryParseGreeting(Greeting().AsSpan(4), out var caps).Should().BeTrue();
        (caps & MysqlCapabilities.DeprecateEof).Should().NotBe(0);
        (caps & MysqlCapabilities.Protocol41).Should().NotBe(0);
    }

    [Test]
    public void TryParse_Garbage_NeverThrows()
    {
        var rnd = new Random(7);
        var buf = new byte[64];
        for (var i = 0; i < 20_000; i++)
        {
            rnd.NextBytes(buf);
            var span = buf.AsSpan(0, rnd.Next(buf.Length));
            var o = rnd.Next(8);
            MysqlParser.TryReadLenEncString(span, ref o, out _);
            MysqlParser.TryParseErr(span, out _, out _, out _);
            MysqlParser.TryParseOk(span, out _, out _);
            MysqlParser.TryParseGreeting(span, out _);
            MysqlParser.TryParseHandshakeResponse(span, out _);
            MysqlParser.LooksLikeMysql(span);
        }
    }

    internal static byte[] Greeting()
    {
        byte[] payload =
        [
            0x0a, .. "10.11.19-MariaDB"u8, 0, 1, 0, 0, 0, .. "abcdefgh"u8, 0,
            0xfe, 0xf7, 0x2d, 0x02, 0x00, 0xff, 0x81, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, .. "ijklmnopqrst"u8, 0,
            .. "mysql_native_password"u8, 0,
        ];
        return Packet(0, payload);
    }
}
