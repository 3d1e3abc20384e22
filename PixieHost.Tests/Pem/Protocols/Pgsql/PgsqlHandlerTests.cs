using FluentAssertions;
using Npgsql;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Pgsql;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Pgsql;

/// <summary>
/// Real PostgreSQL 15 with real clients (psql, pgbench, Npgsql) through <see cref="RecordingTcpProxy"/>; each
/// recorded connection is replayed into a socket tracer with only <see cref="PgsqlHandler"/> and the
/// pgsql_events rows are checked.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PgsqlHandlerTests
{
    private PgsqlServer _server = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        if (!PgsqlServer.IsInstalled)
        {
            Assert.Ignore("PostgreSQL 15 is not installed (/usr/lib/postgresql/15)");
        }

        _server = PgsqlServer.Start();
    }

    [OneTimeTearDown]
    public void StopServer() => _server?.Dispose();

    [Test]
    public async Task Process_PsqlSelect_OneQueryRowWithHeaderRowsAndTag()
    {
        var conn = await RecordAsync(port => Ok(PgsqlServer.Psql(port, "-c", "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, NULL")));

        var (rows, handler) = Replay(conn, TraceRole.Server);

        rows.Should().ContainSingle("psql -c sends one query; startup, SSLRequest and Terminate write no row");
        var r = rows[0];
        r["req_cmd"].Should().Be("Query");
        r["req"].Should().Be("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, NULL");
        r["resp"].Should().Be("a,b\n1,x\n2,[NULL]\nSELECT 2");
        ((long)r["latency"]!).Should().BePositive();
        r["trace_role"].Should().Be((long)TraceRole.Server);
        r["local_port"].Should().Be((long)conn.Server.Port);
        handler.Stats.UnmatchedResponses.Should().Be(0);
        handler.Stats.ParseErrors.Should().Be(0);
        PgsqlCorpus.Append("psql-select", conn);
    }

    [Test]
    public async Task Process_PsqlMissingTable_RespHasErrorFields()
    {
        var conn = await RecordAsync(port => PgsqlServer.Psql(port, "-c", "SELECT * FROM no_such_table"));

        var (rows, _) = Replay(conn, TraceRole.Client);

        rows.Should().ContainSingle();
        var resp = (string)rows[0]["resp"]!;
        resp.Should().StartWith("Severity=ERROR\nCode=42P01\nMessage=relation \"no_such_table\" does not exist");
        resp.Should().Contain("Position=15");
        rows[0]["trace_role"].Should().Be((long)TraceRole.Client);
        PgsqlCorpus.Append("psql-missing-table", conn);
    }

    [Test]
    public async Task Process_PsqlScript_SyntaxErrorAndDmlTags()
    {
        var conn = await RecordAsync(port => PgsqlServer.Psql(port,
            "-c", "CREATE TEMP TABLE t (id int, name text)",
            "-c", "INSERT INTO t VALUES (1, 'one'), (2, 'two')",
            "-c", "SELEC 1",
            "-c", "UPDATE t SET name = 'uno' WHERE id = 1"));

        var (rows, _) = Replay(conn, TraceRole.Server);

        rows.Select(r => (string)r["req"]!).Should().Equal(
            "CREATE TEMP TABLE t (id int, name text)", "INSERT INTO t VALUES (1, 'one'), (2, 'two')", "SELEC 1",
            "UPDATE t SET name = 'uno' WHERE id = 1");
        rows.Select(r => (string)r["resp"]!).Should().HaveElementAt(0, "CREATE TABLE").And.HaveElementAt(1, "INSERT 0 2")
            .And.HaveElementAt(3, "UPDATE 1");
        ((string)rows[2]["resp"]!).Should().Contain("Code=42601").And.Contain("syntax error at or near \"SELEC\"");
        PgsqlCorpus.Append("psql-script", conn);
    }

    [Test]
    public async Task Process_NpgsqlParameters_ParseAndExecuteRows()
    {
        var conn = await RecordAsync(async port =>
        {
            await using var c = new NpgsqlConnection(_server.ConnectionString(port) + ";Server Compatibility Mode=NoTypeLoading");
            await c.OpenAsync();
            await using (var create = new NpgsqlCommand("CREATE TEMP TABLE items (id int, name text, price float8)", c))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using (var insert = new NpgsqlCommand("INSERT INTO items VALUES ($1, $2, $3)", c))
            {
                insert.Parameters.AddWithValue(7);
                insert.Parameters.AddWithValue("seven");
                insert.Parameters.AddWithValue(7.5);
                (await insert.ExecuteNonQueryAsync()).Should().Be(1);
            }

            await using (var select = new NpgsqlCommand("SELECT id, name, price FROM items WHERE id = $1", c))
            {
                select.Parameters.AddWithValue(7);
                await select.PrepareAsync();
                for (var i = 0; i < 2; i++)
                {
                    await using var reader = await select.ExecuteReaderAsync();
                    (await reader.ReadAsync()).Should().BeTrue();
                }
            }

            await using (var bad = new NpgsqlCommand("SELECT missing_column FROM items WHERE id = $1", c))
            {
                bad.Parameters.AddWithValue(1);
                var act = async () => await bad.ExecuteScalarAsync();
                await act.Should().ThrowAsync<PostgresException>();
            }
        });

        var (rows, handler) = Replay(conn, TraceRole.Server);

        var insertRow = rows.Single(r => (string)r["req_cmd"]! == "Execute" && ((string)r["req"]!).Contains("INSERT"));
        insertRow["req"].Should().Be("query=[INSERT INTO items VALUES ($1, $2, $3)] params=[7, seven, 7.5]");
        insertRow["resp"].Should().Be("INSERT 0 1");
        var selects = rows.Where(r => (string)r["req_cmd"]! == "Execute" && ((string)r["req"]!).Contains("SELECT id")).ToList();
        selects.Should().HaveCount(2);
        selects.Should().AllSatisfy(r =>
        {
            r["req"].Should().Be("query=[SELECT id, name, price FROM items WHERE id = $1] params=[7]");
            r["resp"].Should().Be("id,name,price\n7,seven,7.5\nSELECT 1");
            ((long)r["latency"]!).Should().BePositive();
        });
        rows.Should().Contain(r => (string)r["req_cmd"]! == "Parse" && (string)r["req"]! == "SELECT id, name, price FROM items WHERE id = $1"
            && (string)r["resp"]! == "PARSE COMPLETE", "the explicit prepare sends a named Parse");
        var error = rows.Single(r => ((string)r["resp"]!).Contains("Code=42703"));
        error["req_cmd"].Should().BeOneOf("Parse", "Execute");
        ((string)error["resp"]!).Should().Contain("column \"missing_column\" does not exist");
        handler.Stats.UnmatchedResponses.Should().Be(0);
        PgsqlCorpus.Append("npgsql", conn);
    }

    [Test]
    public async Task Process_NpgsqlBinaryTypes_ParamsAndColumnsPrintedLikePostgres()
    {
        var id = Guid.Parse("0b5e7c4a-9d2f-4e61-8a3b-5c6d7e8f9012");
        var at = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234560);
        var conn = await RecordAsync(async port =>
        {
            await using var c = new NpgsqlConnection(_server.ConnectionString(port) + ";Server Compatibility Mode=NoTypeLoading");
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT $1::uuid AS id, $2::timestamptz AS at, $3 AS ok, $4::bytea AS raw, $5 AS big, $6::date AS day", c);
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(at);
            cmd.Parameters.AddWithValue(true);
            cmd.Parameters.AddWithValue(new byte[] { 1, 2, 0xff });
            cmd.Parameters.AddWithValue(-9_000_000_000L);
            cmd.Parameters.AddWithValue(new DateOnly(1999, 12, 31));
            await using var reader = await cmd.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();
        });

        var (rows, _) = Replay(conn, TraceRole.Server);

        var exec = rows.Single(r => (string)r["req_cmd"]! == "Execute" && ((string)r["req"]!).Contains("::uuid"));
        ((string)exec["req"]!).Should().EndWith(
            "params=[0b5e7c4a-9d2f-4e61-8a3b-5c6d7e8f9012, 2024-01-02 03:04:05.123456+00, t, \\x0102ff, -9000000000, 1999-12-31]");
        exec["resp"].Should().Be("id,at,ok,raw,big,day\n0b5e7c4a-9d2f-4e61-8a3b-5c6d7e8f9012,2024-01-02 03:04:05.123456+00,t,\\x0102ff,-9000000000,1999-12-31\nSELECT 1");
    }

    [Test]
    public async Task Process_Pgbench_EveryTransactionStatementRecorded()
    {
        Ok(PgsqlServer.Pgbench(_server.Port, "-i", "-s", "1", "-q"));
        var conns = await RecordAllAsync(port => Task.Run(() => Ok(PgsqlServer.Pgbench(port, "-n", "-t", "5", "-c", "1"))));
        var conn = Sending(conns, "UPDATE pgbench_accounts");

        var (rows, handler) = Replay(conn, TraceRole.Server);

        var updates = rows.Where(r => ((string)r["req"]!).StartsWith("UPDATE pgbench_accounts", StringComparison.Ordinal)).ToList();
        updates.Should().HaveCount(5);
        updates.Should().AllSatisfy(r => r["resp"].Should().Be("UPDATE 1"));
        var balances = rows.Where(r => ((string)r["req"]!).StartsWith("SELECT abalance", StringComparison.Ordinal)).ToList();
        balances.Should().HaveCount(5);
        balances.Should().AllSatisfy(r => ((string)r["resp"]!).Should().MatchRegex("^abalance\n-?[0-9]+\nSELECT 1$"));
        rows.Count(r => (string)r["req"]! == "BEGIN;").Should().Be(5);
        rows.Should().AllSatisfy(r => r["req_cmd"].Should().Be("Query"));
        handler.Stats.UnmatchedResponses.Should().Be(0);
        PgsqlCorpus.Append("pgbench", conn);
    }

    [Test]
    public async Task Process_PgbenchPrepared_ExecuteRowsCarryParameters()
    {
        Ok(PgsqlServer.Pgbench(_server.Port, "-i", "-s", "1", "-q"));
        var conns = await RecordAllAsync(port => Task.Run(() => Ok(PgsqlServer.Pgbench(port, "-n", "-t", "3", "-c", "1", "-M", "prepared"))));
        var conn = Sending(conns, "UPDATE pgbench_accounts");

        var (rows, _) = Replay(conn, TraceRole.Server);

        rows.Where(r => (string)r["req_cmd"]! == "Parse").Should().Contain(r => ((string)r["req"]!).StartsWith("UPDATE pgbench_accounts SET abalance"));
        var updates = rows.Where(r => (string)r["req_cmd"]! == "Execute" && ((string)r["req"]!).StartsWith("query=[UPDATE pgbench_accounts")).ToList();
        updates.Should().HaveCount(3);
        updates.Should().AllSatisfy(r =>
        {
            ((string)r["req"]!).Should().MatchRegex(@"\] params=\[-?[0-9]+, [0-9]+\]$");
            r["resp"].Should().Be("UPDATE 1");
        });
        PgsqlCorpus.Append("pgbench-prepared", conn);
    }

    [Test]
    public async Task Process_PgbenchInit_CopyFromStdinOneRowPerStatement()
    {
        var conns = await RecordAllAsync(port => Task.Run(() => Ok(PgsqlServer.Pgbench(port, "-i", "-s", "1", "-q"))));
        var conn = Sending(conns, "pgbench_accounts");

        var (rows, handler) = Replay(conn, TraceRole.Server);

        var copy = rows.Single(r => ((string)r["req"]!).StartsWith("copy pgbench_accounts", StringComparison.OrdinalIgnoreCase));
        copy["resp"].Should().Be("COPY 100000", "the 100,000 CopyData messages between are not requests");
        rows.Should().Contain(r => ((string)r["req"]!).StartsWith("create table pgbench_history", StringComparison.OrdinalIgnoreCase)
            && (string)r["resp"]! == "CREATE TABLE");
        handler.Stats.UnmatchedResponses.Should().Be(0);
        handler.Stats.ParseErrors.Should().Be(0);
    }

    /// <summary>Runs <paramref name="client"/> against a recording proxy in front of the server; returns the one connection it made.</summary>
    private async Task<RecordedConnection> RecordAsync(Func<int, Task> client)
    {
        var all = await RecordAllAsync(client);
        all.Should().ContainSingle();
        return all[0];
    }

    private Task<RecordedConnection> RecordAsync(Action<int> client) => RecordAsync(port => Task.Run(() => client(port)));

    /// <summary>Every connection <paramref name="client"/> made (pgbench opens one to look at the tables first).</summary>
    private async Task<IReadOnlyList<RecordedConnection>> RecordAllAsync(Func<int, Task> client)
    {
        await using var proxy = new RecordingTcpProxy(_server.Port);
        await client(proxy.Port);
        await proxy.WaitIdleAsync(TimeSpan.FromSeconds(30));
        return proxy.Connections;
    }

    /// <summary>The connection of <paramref name="conns"/> whose client sent <paramref name="text"/>.</summary>
    private static RecordedConnection Sending(IReadOnlyList<RecordedConnection> conns, string text) =>
        conns.Single(c => System.Text.Encoding.UTF8.GetString(c.Stream(fromClient: true)).Contains(text, StringComparison.Ordinal));

    private static void Ok((int Code, string Output) result) => result.Code.Should().Be(0, result.Output);

    /// <summary>Replays <paramref name="conn"/> as <paramref name="side"/> saw it and returns the pgsql_events rows.</summary>
    internal static (List<Dictionary<string, object?>> Rows, PgsqlHandler Handler) Replay(RecordedConnection conn, TraceRole side)
    {
        var store = new TableStore();
        var handler = new PgsqlHandler();
        using var tracer = new Tracer(new SocketTracerOptions { Asid = 3 }, store, new FakeTracerEnvironment(), [handler]);
        conn.Replay(tracer, side, TrafficProtocol.Pgsql);
        tracer.Flush();
        return (TableRows.Read(store.Find("pgsql_events")), handler);
    }
}
