using FluentAssertions;
using MySqlConnector;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Mysql;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>
/// End to end against the real Debian MariaDB server: the <c>mariadb</c> command-line client (text protocol) and
/// MySqlConnector (COM_STMT_PREPARE / COM_STMT_EXECUTE) talk through <see cref="RecordingTcpProxy"/>; each recorded
/// connection is replayed into a socket tracer with the MySQL handler, as the client and as the server saw it.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MysqlHandlerTests
{
    private const string CliSql =
        "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(32), score DOUBLE, born DATETIME);" +
        "INSERT INTO users VALUES (1,'alice',1.5,'1990-01-02 03:04:05'),(2,'bob',2.25,NULL),(3,'carol',NULL,NULL);" +
        "SELECT id, name FROM users ORDER BY id;" +
        "SELECT * FROM missing_table;";

    private const string PreparedSql = "SELECT name FROM users WHERE id = ? AND name <> ? AND born < ?";

    private const string TypedSql = "SELECT ? AS a, ? AS b, ? AS c, ? AS d, ? AS e, 'what?' AS f";

    private MysqlServer? _server;
    private RecordedConnection _cli = null!;
    private RecordedConnection _prepared = null!;
    private RecordedConnection _mixed = null!;

    [OneTimeSetUp]
    public async Task Record()
    {
        if (!MysqlServer.IsAvailable)
        {
            Assert.Ignore("mariadb-server is not installed");
        }

        _server = MysqlServer.Start();
        MysqlServer.Client(_server.Port, "CREATE DATABASE pixie").Code.Should().Be(0);
        await using var proxy = new RecordingTcpProxy(_server.Port);
        var (code, output) = MysqlServer.Client(proxy.Port, CliSql, "pixie");
        code.Should().Be(1, "the last statement reads a missing table");
        output.Should().Contain("1146");

        await using (var c = new MySqlConnection(MysqlServer.ConnectionString(proxy.Port, "pixie")))
        {
            await c.OpenAsync();
            await using var cmd = new MySqlCommand(PreparedSql, c);
            cmd.Parameters.AddWithValue("@p1", 1);
            cmd.Parameters.AddWithValue("@p2", "bob");
            cmd.Parameters.AddWithValue("@p3", new DateTime(2000, 1, 1, 12, 30, 0));
            await cmd.PrepareAsync();
            (await cmd.ExecuteScalarAsync()).Should().Be("alice");
            cmd.Parameters[0].Value = 2;
            cmd.Parameters[1].Value = "zed";
            cmd.Parameters[2].Value = DBNull.Value;
            (await cmd.ExecuteScalarAsync()).Should().BeNull();
        }

        await using (var c = new MySqlConnection(MysqlServer.ConnectionString(proxy.Port, "pixie") + ";AllowUserVariables=true"))
        {
            await c.OpenAsync();
            (await c.PingAsync()).Should().BeTrue();
            await c.ChangeDatabaseAsync("mysql");
            await c.ChangeDatabaseAsync("pixie");
            await using (var multi = new MySqlCommand("SELECT 1; SELECT 2, 3 UNION SELECT 4, 5", c))
            await using (var reader = await multi.ExecuteReaderAsync())
            {
                while (await reader.NextResultAsync())
                {
                }
            }

            await using (var big = new MySqlCommand("SELECT seq, REPEAT('x', 300) FROM seq_1_to_1000", c))
            await using (var reader = await big.ExecuteReaderAsync())
            {
                var n = 0;
                while (await reader.ReadAsync())
                {
                    n++;
                }

                n.Should().Be(1000);
            }

            await using (var bad = new MySqlCommand("SELECT * FROM missing_table WHERE id = ?", c))
            {
                bad.Parameters.AddWithValue("@id", 1);
                var prepareFailed = async () => await bad.PrepareAsync();
                await prepareFailed.Should().ThrowAsync<MySqlException>();
            }

            await using (var typed = new MySqlCommand(TypedSql, c))
            {
                typed.Parameters.AddWithValue("@a", (sbyte)-5);
                typed.Parameters.AddWithValue("@b", 70000L);
                typed.Parameters.AddWithValue("@c", 2.5);
                typed.Parameters.AddWithValue("@d", DBNull.Value);
                typed.Parameters.AddWithValue("@e", 4_000_000_000UL);
                await typed.PrepareAsync();
                await using var reader = await typed.ExecuteReaderAsync();
                (await reader.ReadAsync()).Should().BeTrue();
            }
        }

        await proxy.WaitIdleAsync(TimeSpan.FromSeconds(10));
        proxy.Connections.Should().HaveCount(3);
        _cli = proxy.Connections[0];
        _prepared = proxy.Connections[1];
        _mixed = proxy.Connections[2];
        var corpus = Environment.GetEnvironmentVariable("PIXIE_WRITE_MYSQL_CORPUS");
        if (!string.IsNullOrEmpty(corpus))
        {
            MysqlCorpus.Save(Path.Combine(corpus, "mariadb-cli.bin"), _cli.Chunks);
            MysqlCorpus.Save(Path.Combine(corpus, "mysqlconnector-prepared.bin"), _prepared.Chunks);
            MysqlCorpus.Save(Path.Combine(corpus, "mysqlconnector-mixed.bin"), _mixed.Chunks);
        }
    }

    [OneTimeTearDown]
    public void StopServer() => _server?.Dispose();

    [TestCase(TraceRole.Server)]
    [TestCase(TraceRole.Client)]
    public void Replay_MariadbCli_WritesQueryInsertResultSetAndErrorRows(TraceRole side)
    {
        var rows = MysqlCorpus.Replay(_cli.Chunks, side, out var handler);

        rows.Should().OnlyContain(r => (long)r["trace_role"]! == (long)side);
        rows.Should().OnlyContain(r => (long)r["latency"]! >= 0);
        var select = rows.Single(r => (string)r["req_body"]! == "SELECT id, name FROM users ORDER BY id");
        select["req_cmd"].Should().Be((long)MysqlCommands.Query);
        select["resp_status"].Should().Be((long)MysqlRespStatus.Ok);
        select["resp_body"].Should().Be("Resultset rows = 3");
        ((long)select["latency"]!).Should().BePositive();

        var insert = rows.Single(r => ((string)r["req_body"]!).StartsWith("INSERT INTO users", StringComparison.Ordinal));
        insert["resp_status"].Should().Be((long)MysqlRespStatus.Ok);
        insert["resp_body"].Should().Be("");

        var error = rows.Single(r => (string)r["req_body"]! == "SELECT * FROM missing_table");
        error["resp_status"].Should().Be((long)MysqlRespStatus.Err);
        error["resp_body"].Should().Be("Table 'pixie.missing_table' doesn't exist");
        ((long)error["latency"]!).Should().BePositive();

        // Our statements in order (the batch-mode CLI sends no query of its own); COM_QUIT ends it with no response.
        ((string)rows[0]["req_body"]!).Should().StartWith("CREATE TABLE users");
        rows.Should().HaveCount(5);
        rows[^1]["req_cmd"].Should().Be((long)MysqlCommands.Quit);
        rows[^1]["resp_status"].Should().Be((long)MysqlRespStatus.None);
        handler.Stats.UnmatchedResponses.Should().Be(0);
        handler.Stats.ParseErrors.Should().Be(0);
    }

    [Test]
    public void Replay_MySqlConnectorPrepared_RendersExecuteWithParameters()
    {
        var rows = MysqlCorpus.Replay(_prepared.Chunks, TraceRole.Server, out var handler);

        var prepare = rows.Single(r => (long)r["req_cmd"]! == MysqlCommands.StmtPrepare);
        prepare["req_body"].Should().Be(PreparedSql);
        prepare["resp_status"].Should().Be((long)MysqlRespStatus.Ok);

        var executes = rows.Where(r => (long)r["req_cmd"]! == MysqlCommands.StmtExecute).ToList();
        executes.Should().HaveCount(2);
        executes[0]["req_body"].Should().Be("SELECT name FROM users WHERE id = 1 AND name <> bob AND born < 2000-01-01 12:30:00");
        executes[0]["resp_body"].Should().Be("Resultset rows = 1");
        executes[1]["req_body"].Should().Be("SELECT name FROM users WHERE id = 2 AND name <> zed AND born < NULL");
        executes[1]["resp_body"].Should().Be("Resultset rows = 0");
        executes.Should().OnlyContain(r => (long)r["resp_status"]! == (long)MysqlRespStatus.Ok && (long)r["latency"]! > 0);
        handler.Stats.UnmatchedResponses.Should().Be(0);
    }

    [Test]
    public void Replay_MySqlConnectorMixed_PingInitDbMultiResultBigResultPrepareErrorTypedParams()
    {
        var rows = MysqlCorpus.Replay(_mixed.Chunks, TraceRole.Client, out var handler);

        rows.Should().Contain(r => (long)r["req_cmd"]! == MysqlCommands.Ping && (long)r["resp_status"]! == (long)MysqlRespStatus.Ok);
        rows.Where(r => (long)r["req_cmd"]! == MysqlCommands.InitDb).Select(r => (string)r["req_body"]!).Should().Equal("mysql", "pixie");
        var multi = rows.Single(r => (string)r["req_body"]! == "SELECT 1; SELECT 2, 3 UNION SELECT 4, 5");
        multi["resp_body"].Should().Be("Resultset rows = 3", "both result sets are one response");
        var big = rows.Single(r => ((string)r["req_body"]!).Contains("seq_1_to_1000", StringComparison.Ordinal));
        big["resp_body"].Should().Be("Resultset rows = 1000", "sequence ids wrap past 255 inside the response");
        var badPrepare = rows.Single(r => (long)r["req_cmd"]! == MysqlCommands.StmtPrepare && ((string)r["req_body"]!).Contains("missing_table", StringComparison.Ordinal));
        badPrepare["resp_status"].Should().Be((long)MysqlRespStatus.Err);
        badPrepare["resp_body"].Should().Be("Table 'pixie.missing_table' doesn't exist");
        var typed = rows.Single(r => (long)r["req_cmd"]! == MysqlCommands.StmtExecute);
        typed["req_body"].Should().Be("SELECT -5 AS a, 70000 AS b, 2.5 AS c, NULL AS d, 4000000000 AS e, 'what?' AS f");
        typed["resp_body"].Should().Be("Resultset rows = 1");
        handler.Stats.UnmatchedResponses.Should().Be(0);
        handler.Stats.ParseErrors.Should().Be(0);
    }

    [Test]
    public void Replay_RoleUnknown_InfersRoleFromGreeting()
    {
        var rows = MysqlCorpus.Replay(_cli.Chunks, TraceRole.Server, out _, roleKnown: false);

        rows.Should().Contain(r => (string)r["req_body"]! == "SELECT id, name FROM users ORDER BY id" && (long)r["trace_role"]! == (long)TraceRole.Server);
    }
}
