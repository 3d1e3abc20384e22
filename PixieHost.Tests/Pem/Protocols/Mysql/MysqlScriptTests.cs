using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>The MySQL scripts of the library (px/mysql_data, px/mysql_stats, px/sql_queries) over the rows the handler wrote from the corpus.</summary>
[TestFixture]
public sealed class MysqlScriptTests
{
    private TableStore _store = null!;
    private long _now;

    [OneTimeSetUp]
    public void Replay()
    {
        _store = new TableStore();
        _store.GetOrAdd(PemSchemas.PgsqlEvents);
        var fd = 10;
        foreach (var chunks in MysqlCorpus.LoadAll().Values)
        {
            MysqlCorpus.Replay(chunks, TraceRole.Server, out _, store: _store, fd: fd++);
        }

        _now = TableRows.Read(_store.Find("mysql_events")).Max(r => (long)r["time_"]!) + 1_000_000_000;
    }

    private async Task<List<Dictionary<string, object?>>> Run(string name, string table, Dictionary<string, string>? args = null)
    {
        ScriptLibrary.Embedded.TryGet(name, out var script).Should().BeTrue();
        var executor = new QueryExecutor(_store, () => _now);
        var result = await executor.ExecuteAsync(new QueryRequest(script.Pxl, args ?? new Dictionary<string, string> { ["start_time"] = "-1h" }, name));
        var names = string.Join(", ", result.Tables.Select(t => t.Name));
        return ResultRows.Of(result.Tables.Should().ContainSingle(t => t.Name == table, names).Subject);
    }

    [Test]
    public async Task MysqlData_ListsEveryRowWithCommandBodyAndStatus()
    {
        var rows = await Run("px/mysql_data", "MySQL Data", new Dictionary<string, string> { ["start_time"] = "-1h", ["max_num_records"] = "1000" });

        rows.Should().HaveCount(TableRows.Read(_store.Find("mysql_events")).Count);
        rows.Should().Contain(r => (string)r["req_body"]! == "SELECT * FROM missing_table" && (long)r["resp_status"]! == 3);
        rows.Should().Contain(r => (long)r["req_cmd"]! == 23 && ((string)r["req_body"]!).Contains("name <> bob", StringComparison.Ordinal));
    }

    [Test]
    public async Task MysqlStats_ErrorRateFromErrResponses()
    {
        var rows = await Run("px/mysql_stats", "let");

        rows.Should().NotBeEmpty();
        rows.Sum(r => (double)r["request_throughput"]! * 10).Should().BeApproximately(TableRows.Read(_store.Find("mysql_events")).Count, 0.001);
        rows.Should().Contain(r => (double)r["error_rate"]! > 0);
    }

    [Test]
    public async Task SqlQueries_NormalizesQueriesAndPrepares()
    {
        var rows = await Run("px/sql_queries", "queries");

        rows.Should().Contain(r => (string)r["database"]! == "mysql" && (string)r["query"]! == "SELECT name FROM users WHERE id = ? AND name <> ? AND born < ?");
        rows.Should().Contain(r => (string)r["query"]! == "SELECT id, name FROM users ORDER BY id");
    }
}
