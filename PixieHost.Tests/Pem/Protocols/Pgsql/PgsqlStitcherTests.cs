using FluentAssertions;
using NUnit.Framework;
using static PixieHost.Tests.Pem.Protocols.Pgsql.PgsqlWire;

namespace PixieHost.Tests.Pem.Protocols.Pgsql;

[TestFixture]
public sealed class PgsqlStitcherTests
{
    [Test]
    public void OnResponse_StartupAndSslAnswer_NoRowThenQueryRow()
    {
        using var h = new PgsqlHarness();
        h.Req(SslRequest()).Resp([(byte)'N']).Req(Startup())
            .Resp(Msg('R', I32(0)), Msg('S', C("server_version"), C("15.8")), Msg('K', I32(1), I32(2)), Ready())
            .Req(Query("SELECT 1")).Resp(RowDescription("?column?"), DataRow("1"), CommandComplete("SELECT 1"), Ready());

        var rows = h.Rows();

        rows.Should().ContainSingle();
        rows[0]["req_cmd"].Should().Be("Query");
        rows[0]["resp"].Should().Be("?column?\n1\nSELECT 1");
        rows[0]["latency"].Should().Be(3_000L, "the latency runs to CommandComplete (3 µs after the query), not ReadyForQuery (4 µs)");
        h.Handler.Stats.UnmatchedResponses.Should().Be(0);
    }

    [Test]
    public void OnResponse_ParseErrorInBatch_SkipsToSyncAndNextBatchPairs()
    {
        using var h = new PgsqlHarness();
        h.Req(Parse("", "SELEC $1"), Bind("", "", "1"), Describe('P', ""), Execute(""), Sync())
            .Resp(Error("42601", "syntax error at or near \"SELEC\""), Ready())
            .Req(Parse("", "SELECT $1::int", 23), Bind("", "", "5"), Describe('P', ""), Execute(""), Sync())
            .Resp(ParseComplete(), BindComplete(), RowDescription("int4"), DataRow("5"), CommandComplete("SELECT 1"), Ready());

        var rows = h.Rows();

        rows.Select(r => (string)r["req_cmd"]!).Should().Equal("Parse", "Parse", "Execute");
        rows[0]["resp"].Should().Be("Severity=ERROR\nCode=42601\nMessage=syntax error at or near \"SELEC\"");
        rows[1]["req"].Should().Be("SELECT $1::int");
        rows[1]["resp"].Should().Be("PARSE COMPLETE");
        rows[2]["req"].Should().Be("query=[SELECT $1::int] params=[5]");
        rows[2]["resp"].Should().Be("int4\n5\nSELECT 1");
        h.State.Stitcher.PendingRequests.Should().Be(0);
    }

    [Test]
    public void OnResponse_BindError_WrittenAsExecute()
    {
        using var h = new PgsqlHarness();
        h.Req(Parse("s1", "SELECT $1::int", 23), Sync()).Resp(ParseComplete(), Ready())
            .Req(Bind("", "s1", "abc"), Execute(""), Sync())
            .Resp(Error("22P02", "invalid input syntax for type integer: \"abc\""), Ready());

        var rows = h.Rows();

        rows.Should().HaveCount(2);
        rows[1]["req_cmd"].Should().Be("Execute");
        rows[1]["req"].Should().Be("query=[SELECT $1::int] params=[abc]");
        ((string)rows[1]["resp"]!).Should().Contain("Code=22P02");
    }

    [Test]
    public void OnResponse_NullParameterAndNullColumn_PrintedAsNullMarker()
    {
        using var h = new PgsqlHarness();
        h.Req(Parse("", "SELECT $1"), Bind("", "", [null]), Execute(""), Sync())
            .Resp(ParseComplete(), BindComplete(), DataRow([null]), CommandComplete("SELECT 1"), Ready());

        var rows = h.Rows();

        rows[1]["req"].Should().Be("query=[SELECT $1] params=[[NULL]]");
        rows[1]["resp"].Should().Be("[NULL]\nSELECT 1");
    }

    [Test]
    public void Process_LongResponse_TruncatedWithPixieMarker()
    {
        using var h = new PgsqlHarness(maxStringBytes: 64);
        h.Req(Query("SELECT generate_series(1, 1000)"));
        h.Resp(RowDescription("generate_series"));
        for (var i = 1; i <= 1000; i++)
        {
            h.Resp(DataRow(i.ToString()));
        }

        h.Resp(CommandComplete("SELECT 1000"), Ready());

        var rows = h.Rows();

        var resp = (string)rows.Single()["resp"]!;
        resp.Should().HaveLength(64 + "... [TRUNCATED]".Length).And.StartWith("generate_series\n1\n2\n").And.EndWith("... [TRUNCATED]");
    }

    [Test]
    public void Process_ResponsesOlderThanNextRequest_HeldThenDroppedAsUnmatched()
    {
        using var h = new PgsqlHarness();
        h.Resp(CommandComplete("SELECT 1"), Ready());
        h.Rows().Should().BeEmpty();
        h.Handler.Stats.UnmatchedResponses.Should().Be(0, "the request may still come from another CPU's ring");

        h.Req(Query("SELECT 2")).Resp(CommandComplete("SELECT 1"), Ready());

        h.Rows().Should().ContainSingle().Which["req"].Should().Be("SELECT 2");
        h.Handler.Stats.UnmatchedResponses.Should().Be(2, "the held CommandComplete and ReadyForQuery predate the request");
    }

    [Test]
    public void Process_ResponseBeforeItsRequestArrives_StillPaired()
    {
        using var h = new PgsqlHarness();
        var reqTs = h.Now;
        h.Now += 10_000;
        h.Resp(CommandComplete("DELETE 3"), Ready());
        h.Process();
        h.Now = reqTs;

        h.Req(Query("DELETE FROM t"));

        var rows = h.Rows();
        rows.Should().ContainSingle().Which["resp"].Should().Be("DELETE 3");
        rows[0]["latency"].Should().Be(10_000L);
    }

    [Test]
    public void Process_GapInsideLargeDataRow_FramingKept()
    {
        using var h = new PgsqlHarness();
        var big = DataRow(new string('x', 200_000));
        h.Req(Query("SELECT big"));
        h.Resp(RowDescription("big"), big[..1000]).LoseResp(big.Length - 1000);
        h.Resp(CommandComplete("SELECT 1"), Ready());
        h.Process();
        h.Process();

        var rows = h.Rows();

        rows.Should().ContainSingle();
        rows[0]["resp"].Should().Be("big\nSELECT 1", "the lost row is skipped by its declared length");
        h.Handler.Stats.ParseErrors.Should().Be(0);
    }

    [Test]
    public void Expire_OldRequests_DroppedAndCounted()
    {
        using var h = new PgsqlHarness();
        h.Req(Query("SELECT pg_sleep(100)"));
        h.Process();

        h.Handler.Expire(h.State, h.Now + 1);

        h.State.Stitcher.PendingRequests.Should().Be(0);
        h.Handler.Stats.ExpiredMessages.Should().Be(1);
    }

    [Test]
    public void OnRequest_MorePendingThanBound_OldestDropped()
    {
        using var h = new PgsqlHarness();
        for (var i = 0; i < 1500; i++)
        {
            h.Req(Query("SELECT " + i));
        }

        h.Process();

        h.State.Stitcher.PendingRequests.Should().Be(1024);
        h.Handler.Stats.ExpiredMessages.Should().Be(1500 - 1024);
    }

    [Test]
    public void Process_NotPostgres_Unparseable()
    {
        using var h = new PgsqlHarness();
        var junk = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 3000)));
        h.Req(junk);

        h.Process().Should().Be(Modules.Pem.Protocols.ProtocolStatus.Unparseable);
    }
    [TestCase(9, 3)]
    [TestCase(14, 1)]
    [TestCase(20, 7)]
    public void Process_PgbenchMetMidway_ResyncsAndPairsCorrectly(int skipChunks, int skipBytes)
    {
        var conn = PgsqlCorpus.Load().First(c => c.Any(x => x.FromClient && System.Text.Encoding.ASCII.GetString(x.Bytes).StartsWith("Q\0\0\0", StringComparison.Ordinal)
            && System.Text.Encoding.ASCII.GetString(x.Bytes).Contains("UPDATE pgbench_accounts")));
        using var h = new PgsqlHarness();
        h.Tracker.Recv.NeedsResync = h.Tracker.Send.NeedsResync = true;
        var first = true;
        foreach (var (fromClient, bytes) in conn.Skip(skipChunks))
        {
            var b = first ? bytes[Math.Min(skipBytes, bytes.Length)..] : bytes;
            first = false;
            if (fromClient)
            {
                h.Req(b);
            }
            else
            {
                h.Resp(b);
            }

            h.Process();
        }

        var rows = h.Rows();

        var expected = conn.Skip(skipChunks).Count(c => c.FromClient && c.Bytes[0] == (byte)'Q');
        rows.Count.Should().BeInRange(expected - 2, expected);
        foreach (var r in rows)
        {
            var req = (string)r["req"]!;
            var resp = (string)r["resp"]!;
            if (req.StartsWith("UPDATE", StringComparison.Ordinal))
            {
                resp.Should().Be("UPDATE 1");
            }
            else if (req.StartsWith("SELECT abalance", StringComparison.Ordinal))
            {
                resp.Should().MatchRegex("^abalance\n-?[0-9]+\nSELECT 1$");
            }
            else if (req.StartsWith("INSERT", StringComparison.Ordinal))
            {
                resp.Should().Be("INSERT 0 1");
            }
        }
    }
}
