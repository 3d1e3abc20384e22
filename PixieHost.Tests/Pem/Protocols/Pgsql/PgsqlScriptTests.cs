using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Pgsql;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Pgsql;

/// <summary>The PostgreSQL scripts (px/pgsql_data, px/pgsql_stats, px/sql_queries) over rows the handler wrote from the recorded corpus.</summary>
[TestFixture]
public sealed class PgsqlScriptTests
{
    private TableStore _store = null!;
    private QueryExecutor _executor = null!;
    private int _rowCount;

    [OneTimeSetUp]
    public void ReplayCorpus()
    {
        _store = new TableStore();
        using var tracer = new Tracer(new SocketTracerOptions { Asid = 3 }, _store, new FakeTracerEnvironment(), [new PgsqlHandler()]);
        var fd = 10;
        foreach (var conn in PgsqlCorpus.Load())
        {
            PgsqlCorpus.ToRecorded(conn).Replay(tracer, TraceRole.Server, TrafficProtocol.Pgsql, fd: fd++);
        }

        tracer.Flush();
        var rows = TableRows.Read(_store.Find("pgsql_events"));
        _rowCount = rows.Count;
        var newest = rows.Max(r => (long)r["time_"]!);
        _executor = new QueryExecutor(_store, () => newest + 1_000_000_000);
    }

    [Test]
    public async Task PgsqlData_CorpusRows_AllReturnedWithCommands()
    {
        var rows = await RunAsync("px/pgsql_data", new() { ["start_time"] = "-5m", ["max_num_records"] = "1000" });

        rows.Should().HaveCount(_rowCount);
        rows.Select(r => (string)r["req_cmd"]!).Distinct().Should().BeEquivalentTo(["Query", "Parse", "Execute"]);
    }

    [Test]
    public async Task SqlQueries_PgbenchUpdate_SimpleAndPreparedNormalizedTogether()
    {
        var rows = await RunAsync("px/sql_queries", new() { ["start_time"] = "-5m" });

        var update = rows.Where(r => ((string)r["query"]!).StartsWith("UPDATE pgbench_accounts", StringComparison.Ordinal)).ToList();
        update.Sum(r => (long)r["query_count"]!).Should().Be(6L, "5 simple-protocol updates and 1 Parse of the prepared run");
        update.Should().Contain(r => (string)r["query"]! == "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;",
            "the Parse's placeholders and the positive literals give one shape (a negative delta keeps its sign: '+ -$1')");
        rows.Should().AllSatisfy(r => r["database"].Should().Be("postgres"));
    }

    [Test]
    public async Task PgsqlStats_CorpusErrors_NonZeroErrorRate()
    {
        var rows = await RunAsync("px/pgsql_stats", new() { ["start_time"] = "-5m" });

        rows.Should().NotBeEmpty();
        rows.Should().Contain(r => (double)r["error_rate"]! > 0, "the corpus holds a missing table, a syntax error and a missing column");
    }

    private async Task<List<Dictionary<string, object?>>> RunAsync(string name, Dictionary<string, string> args)
    {
        ScriptLibrary.Embedded.TryGet(name, out var script).Should().BeTrue();
        var result = await _executor.ExecuteAsync(new QueryRequest(script.Pxl, args, name));
        return ResultRows.Of(result.Tables.Should().ContainSingle().Subject);
    }
}
