using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Mysql;
using static PixieHost.Tests.Pem.Protocols.Mysql.MysqlParserTests;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>The response state machine on hand-made responses of each shape.</summary>
[TestFixture]
public sealed class MysqlResponseParserTests
{
    private static readonly byte[] ColumnDef = [3, .. "def"u8, 0, 0, 0, 1, (byte)'x', 0, 0x0c, 0x21, 0, 0, 0, 0, 0xfd, 0, 0, 0, 0, 0];
    private static readonly byte[] Eof = [0xfe, 0, 0, 0x22, 0];
    private static readonly byte[] OkFe = [0xfe, 0, 0, 0x22, 0, 0, 0];

    /// <summary>Feeds payloads with sequence ids 1, 2, …; returns the result of each.</summary>
    private static List<MysqlFeedResult> Run(MysqlResponseParser p, byte cmd, params byte[][] payloads)
    {
        var results = new List<MysqlFeedResult>();
        for (var i = 0; i < payloads.Length; i++)
        {
            var packet = new MysqlPacket(payloads[i].Length, (byte)(i + 1), (ulong)(100 + i), false);
            results.Add(i == 0 ? p.Begin(cmd, packet, payloads[i]) : p.Feed(packet, payloads[i]));
        }

        return results;
    }

    [Test]
    public void ResultSet_OldEofMode_EndsAtSecondEof()
    {
        var p = new MysqlResponseParser();
        var r = Run(p, MysqlCommands.Query, [1], ColumnDef, Eof, [1, (byte)'a'], [1, (byte)'b'], Eof);

        r.Should().Equal(MysqlFeedResult.More, MysqlFeedResult.More, MysqlFeedResult.More, MysqlFeedResult.More, MysqlFeedResult.More, MysqlFeedResult.Done);
        p.Status.Should().Be(MysqlRespStatus.Ok);
        p.IsResultSet.Should().BeTrue();
        p.Rows.Should().Be(2);
        p.LastTimestampNs.Should().Be(105);
    }

    [Test]
    public void ResultSet_DeprecateEof_EmptyEndsAtOkAfterColumns()
    {
        var p = new MysqlResponseParser();
        Run(p, MysqlCommands.Query, [1], ColumnDef, OkFe)[^1].Should().Be(MysqlFeedResult.Done);
        p.Rows.Should().Be(0);
        p.Status.Should().Be(MysqlRespStatus.Ok);
    }

    [Test]
    public void ResultSet_ErrorAmongRows_Err()
    {
        var p = new MysqlResponseParser();
        byte[] err = [0xff, 0x25, 0x05, (byte)'#', .. "70100"u8, .. "Query execution was interrupted"u8];
        Run(p, MysqlCommands.Query, [1], ColumnDef, [1, (byte)'a'], err)[^1].Should().Be(MysqlFeedResult.Done);
        p.Status.Should().Be(MysqlRespStatus.Err);
        p.Message.ToArray().Should().Equal("Query execution was interrupted"u8.ToArray());
    }

    [Test]
    public void MoreResults_TwoResultSetsOneResponse()
    {
        var p = new MysqlResponseParser();
        byte[] moreOk = [0xfe, 0, 0, 0x0a, 0, 0, 0];
        var r = Run(p, MysqlCommands.Query, [1], ColumnDef, [1, (byte)'a'], moreOk, [1], ColumnDef, [1, (byte)'b'], [1, (byte)'c'], OkFe);
        r[3].Should().Be(MysqlFeedResult.More);
        r[^1].Should().Be(MysqlFeedResult.Done);
        p.Rows.Should().Be(3);
    }

    [Test]
    public void PrepareOk_WithEofs_ConsumesDefinitionsAndEofs()
    {
        var p = new MysqlResponseParser();
        // stmt 7, 1 column, 2 params.
        byte[] ok = [0, 7, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0];
        var r = Run(p, MysqlCommands.StmtPrepare, ok, ColumnDef, ColumnDef, Eof, ColumnDef);
        r[^1].Should().Be(MysqlFeedResult.Done);
        p.Prepared.Should().BeTrue();
        p.PreparedStatementId.Should().Be(7);
        p.PreparedParams.Should().Be(2);
        p.IsTrailingEof(new MysqlPacket(5, 6, 0, false), Eof).Should().BeTrue();
    }

    [Test]
    public void PrepareOk_NoParamsNoColumns_DoneAtOnce()
    {
        var p = new MysqlResponseParser();
        Run(p, MysqlCommands.StmtPrepare, [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).Should().Equal(MysqlFeedResult.Done);
    }

    [Test]
    public void LocalInfile_WaitsForFinalOk()
    {
        var p = new MysqlResponseParser();
        var r = p.Begin(MysqlCommands.Query, new MysqlPacket(9, 1, 1, false), [0xfb, .. "data.csv"u8]);
        r.Should().Be(MysqlFeedResult.More);
        p.Feed(new MysqlPacket(7, 4, 9, false), [0, 3, 0, 2, 0, 0, 0]).Should().Be(MysqlFeedResult.Done);
        p.Status.Should().Be(MysqlRespStatus.Ok);
    }

    [Test]
    public void FieldList_DefinitionsUntilEof()
    {
        var p = new MysqlResponseParser();
        Run(p, MysqlCommands.FieldList, ColumnDef, ColumnDef, Eof)[^1].Should().Be(MysqlFeedResult.Done);
        p.Status.Should().Be(MysqlRespStatus.Ok);
        p.IsResultSet.Should().BeFalse();
    }

    [Test]
    public void Statistics_TextIsTheMessage()
    {
        var p = new MysqlResponseParser();
        Run(p, MysqlCommands.Statistics, "Uptime: 5  Threads: 1"u8.ToArray()).Should().Equal(MysqlFeedResult.Done);
        p.Message.ToArray().Should().Equal("Uptime: 5  Threads: 1"u8.ToArray());
    }

    [Test]
    public void Cursor_ExecuteEndsAtEofWithCursorFlag_FetchCountsRows()
    {
        var p = new MysqlResponseParser();
        byte[] cursorEof = [0xfe, 0, 0, 0x42, 0];
        Run(p, MysqlCommands.StmtExecute, [1], ColumnDef, cursorEof)[^1].Should().Be(MysqlFeedResult.Done);
        Run(p, MysqlCommands.StmtFetch, [0, 0, 1, (byte)'a'], [0, 0, 1, (byte)'b'], Eof)[^1].Should().Be(MysqlFeedResult.Done);
        p.Rows.Should().Be(2);
    }

    [Test]
    public void SequenceBreak_NotMine()
    {
        var p = new MysqlResponseParser();
        p.Begin(MysqlCommands.Query, new MysqlPacket(1, 1, 1, false), [1]).Should().Be(MysqlFeedResult.More);
        p.Feed(new MysqlPacket(1, 1, 2, false), [1]).Should().Be(MysqlFeedResult.NotMine);
        p.InProgress.Should().BeFalse();
    }

    [Test]
    public void SequenceWrap_PastTwoFiftyFive_StillOneResponse()
    {
        var p = new MysqlResponseParser();
        var payloads = new List<byte[]> { new byte[] { 1 }, ColumnDef };
        for (var i = 0; i < 600; i++)
        {
            payloads.Add([1, (byte)'r']);
        }

        payloads.Add(OkFe);
        Run(p, MysqlCommands.Query, [.. payloads])[^1].Should().Be(MysqlFeedResult.Done);
        p.Rows.Should().Be(600);
    }

    [Test]
    public void Packet_HelperBuildsHeader() => Packet(3, 1, 2).Should().Equal(2, 0, 0, 3, 1, 2);
}
