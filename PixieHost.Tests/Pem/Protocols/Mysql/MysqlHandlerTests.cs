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

    private MysqlServer? _server;
    private RecordedConnection _cli = null!;
    private RecordedConnection _prepared = null!;

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

        await proxy.WaitIdleAsync(TimeSpan.FromSeconds(10));
        proxy.Connections.Should().HaveCount(2);
        _cli = proxy.Connections[0];
        _prepared = proxy.Connections[1];
        var corpus = Environment.GetEnvironmentVariable("PIXIE_WRITE_MYSQL_CORPUS");
        if (!string.IsNullOrEmpty(corpus))
        {
            MysqlCorpus.Save(Path.Combine(corpus, "mariadb-cli.bin"), _cli.Chunks);
            MysqlCorpus.Save(Path.Combine(corpus, "mysqlconnector-prepared.bin"), _prepared.Chunks);
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
    public void Replay_RoleUnknown_InfersRoleFromGreeting()
    {
        var rows = MysqlCorpus.Replay(_cli.Chunks, TraceRole.Server, out _, roleKnown: false);

        rows.Should().Contain(r => (string)r["req_body"]! == "SELECT id, name FROM users ORDER BY id" && (long)r["trace_role"]! == (long)TraceRole.Server);
    }
}
