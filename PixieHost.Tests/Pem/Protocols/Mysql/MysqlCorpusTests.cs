using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Mysql;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>
/// The committed corpus (real MariaDB 10.11 traffic: the mariadb CLI in the old EOF mode, MySqlConnector with
/// CLIENT_DEPRECATE_EOF and MariaDB's cached metadata) through the handler without a server: rows, and the same
/// rows however the bytes are cut into events; connections met mid-way and lost bytes.
/// </summary>
[TestFixture]
public sealed class MysqlCorpusTests
{
    private static List<RecordedChunk> Corpus(string name) => MysqlCorpus.Load(Path.Combine(MysqlCorpus.Directory, name + ".bin"));

    private static List<string> Summary(List<Dictionary<string, object?>> rows) =>
        rows.Select(r => $"{r["req_cmd"]}|{r["req_body"]}|{r["resp_status"]}|{r["resp_body"]}").ToList();

    [Test]
    public void MariadbCli_Rows_QueryInsertSelectErrorQuit()
    {
        var rows = MysqlDriver.Run(Corpus("mariadb-cli"), TraceRole.Server, out var h);

        Summary(rows).Should().Equal(
            "3|CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(32), score DOUBLE, born DATETIME)|2|",
            "3|INSERT INTO users VALUES (1,'alice',1.5,'1990-01-02 03:04:05'),(2,'bob',2.25,NULL),(3,'carol',NULL,NULL)|2|",
            "3|SELECT id, name FROM users ORDER BY id|2|Resultset rows = 3",
            "3|SELECT * FROM missing_table|3|Table 'pixie.missing_table' doesn't exist",
            "1||1|");
        rows.Take(4).Should().OnlyContain(r => (long)r["latency"]! > 0);
        rows[^1]["latency"].Should().Be(0L, "COM_QUIT has no response");
        h.Stats.FramesParsed.Should().BeGreaterThan(10);
        h.Stats.RecordsEmitted.Should().Be(5);
    }

    [Test]
    public void MySqlConnectorPrepared_Rows_PrepareAndExecutesWithParams()
    {
        var rows = MysqlDriver.Run(Corpus("mysqlconnector-prepared"), TraceRole.Client, out _);

        Summary(rows).Should().Equal(
            "3|SET NAMES utf8mb4;|2|",
            "22|SELECT name FROM users WHERE id = ? AND name <> ? AND born < ?|2|",
            "23|SELECT name FROM users WHERE id = 1 AND name <> bob AND born < 2000-01-01 12:30:00|2|Resultset rows = 1",
            "23|SELECT name FROM users WHERE id = 2 AND name <> zed AND born < NULL|2|Resultset rows = 0",
            "1||1|");
    }

    [TestCase("mariadb-cli")]
    [TestCase("mysqlconnector-prepared")]
    [TestCase("mysqlconnector-mixed")]
    public void AnySplit_SameRowsAsWholeChunks(string name)
    {
        var chunks = Corpus(name);
        var expected = Summary(MysqlDriver.Run(chunks, TraceRole.Server, out _));
        expected.Should().NotBeEmpty();

        // One byte per event, then random cuts.
        Summary(MysqlDriver.Run(Split(chunks, _ => 1), TraceRole.Server, out _)).Should().Equal(expected);
        var rnd = new Random(11);
        for (var i = 0; i < 20; i++)
        {
            Summary(MysqlDriver.Run(Split(chunks, _ => rnd.Next(1, 64)), TraceRole.Server, out _)).Should().Equal(expected);
        }
    }

    [Test]
    public void MetMidway_AfterHandshake_LaterCommandsStillParsed()
    {
        var chunks = Corpus("mariadb-cli");
        var h = new MysqlHandler();
        using var d = new MysqlDriver(h);
        // Tracing starts at the fourth chunk (the CREATE TABLE): both streams are met mid-way.
        ulong clientSkipped = 0, serverSkipped = 0;
        foreach (var c in chunks.Take(3))
        {
            if (c.FromClient)
            {
                clientSkipped += (ulong)c.Bytes.Length;
            }
            else
            {
                serverSkipped += (ulong)c.Bytes.Length;
            }
        }

        d.Lose(fromClient: true, clientSkipped);
        d.Lose(fromClient: false, serverSkipped);
        d.Conn.Send.NeedsResync = d.Conn.Recv.NeedsResync = true;
        foreach (var c in chunks.Skip(3))
        {
            d.Add(c.FromClient, c.Bytes, c.TimestampNs);
            d.Process();
        }

        d.Close();
        Summary(d.TakeRows()).Should().HaveCount(5).And.Contain("3|SELECT id, name FROM users ORDER BY id|2|Resultset rows = 3");
    }

    [Test]
    public void MetMidway_RoleUnknown_InferredFromAWholeCommand()
    {
        var h = new MysqlHandler();
        var chunks = Corpus("mariadb-cli");
        // The tail of the CREATE TABLE's response, then the INSERT as the first whole command seen.
        byte[] received = [.. chunks[4].Bytes[3..], .. chunks[5].Bytes];
        h.InferRole(chunks[4].Bytes[3..], received).Should().Be(TraceRole.Server);
        h.InferRole(received, chunks[4].Bytes[3..]).Should().Be(TraceRole.Client);
        h.InferRole(chunks[4].Bytes[3..], chunks[4].Bytes[3..]).Should().Be(TraceRole.Unknown);
    }

    [Test]
    public void LostResponse_NextPairsStayAligned()
    {
        var chunks = Corpus("mariadb-cli");
        var h = new MysqlHandler();
        using var d = new MysqlDriver(h);
        // Lose the INSERT's OK (the seventh chunk): the gap cuts it; the SELECT and the error still pair right.
        for (var i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i];
            if (i == 6)
            {
                c.FromClient.Should().BeFalse();
                d.Lose(fromClient: false, (ulong)c.Bytes.Length);
                continue;
            }

            d.Add(c.FromClient, c.Bytes, c.TimestampNs);
            d.Process();
        }

        d.Close();
        var rows = Summary(d.TakeRows());
        rows.Should().Contain("3|SELECT id, name FROM users ORDER BY id|2|Resultset rows = 3");
        rows.Should().Contain("3|SELECT * FROM missing_table|3|Table 'pixie.missing_table' doesn't exist");
        rows.Should().NotContain(r => r.StartsWith("3|INSERT", StringComparison.Ordinal));
    }

    [Test]
    public void PartialCopy_BigRowsCutByGaps_ResultSetStillEnds()
    {
        // The kernel copies only a prefix of large writes: the rows' tails become gaps, stepped over inside packets.
        var chunks = Corpus("mysqlconnector-mixed");
        var h = new MysqlHandler();
        using var d = new MysqlDriver(h, TraceRole.Server);
        foreach (var c in chunks)
        {
            d.Add(c.FromClient, c.Bytes, c.TimestampNs, copied: c.FromClient ? null : Math.Max(4096, c.Bytes.Length / 3));
            d.Process();
        }

        d.Close();
        var rows = d.TakeRows();
        rows.Should().Contain(r => (long)r["req_cmd"]! == MysqlCommands.Ping);
        rows.Should().Contain(r => (long)r["req_cmd"]! == MysqlCommands.Quit);
    }

    private static List<RecordedChunk> Split(List<RecordedChunk> chunks, Func<int, int> size)
    {
        var result = new List<RecordedChunk>();
        foreach (var c in chunks)
        {
            var o = 0;
            var ts = c.TimestampNs;
            while (o < c.Bytes.Length)
            {
                var n = Math.Min(size(o), c.Bytes.Length - o);
                result.Add(c with { Bytes = c.Bytes[o..(o + n)], TimestampNs = ts });
                o += n;
            }
        }

        return result;
    }
}
