using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Client;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Client;

/// <summary>The SDK against the real query API (VizierService over the PxL engine and a table store) on a loopback port.</summary>
[TestFixture]
public sealed class PixieClientTests
{
    private const string HttpScript = """
        import px
        df = px.DataFrame('http_events', start_time=0)
        df.latency_ms = df.latency / 1000000.0
        df.slow = df.latency > 25000000
        px.display(df[['time_', 'upid', 'req_method', 'req_path', 'resp_status', 'latency_ms', 'slow']], 'http')
        """;

    private const string FunctionScript = """
        import px

        def by_path(path: str, limit: int):
            df = px.DataFrame('http_events', start_time=0)
            df = df[df.req_path == path]
            return df[['time_', 'req_path', 'resp_status']].head(limit)
        """;

    private static readonly List<HttpRow> Rows = HttpEventsData.Rows(300);
    private RpcTestHost? _host;

    [OneTimeSetUp]
    public async Task StartServer() =>
        _host = await RpcTestHost.StartAsync(
            s => s.AddSingleton(HttpEventsData.Store(Rows, batchSize: 64)).AddPxl().AddVizierApi(),
            app => app.MapVizierApi());

    [OneTimeTearDown]
    public async Task StopServer() => await _host!.DisposeAsync();

    [Test]
    public async Task RunScriptAsync_HttpEvents_TypedRowsEqualStoredData()
    {
        using var client = new PixieClient(_host!.Address.ToString());

        var result = await client.RunScriptAsync(HttpScript);

        var table = result["http"];
        table.Complete.Should().BeTrue();
        table.Columns.Select(c => (c.Name, c.Type)).Should().Equal(
            ("time_", ColumnType.Time64NS), ("upid", ColumnType.UInt128), ("req_method", ColumnType.String), ("req_path", ColumnType.String),
            ("resp_status", ColumnType.Int64), ("latency_ms", ColumnType.Float64), ("slow", ColumnType.Boolean));
        table.Columns[0].SemanticType.Should().Be(PixieHost.Client.SemanticType.TimeNs);
        table.Columns[4].SemanticType.Should().Be(PixieHost.Client.SemanticType.HttpRespStatus);
        var got = table.Rows.Select(r => (r.GetTimeNs("time_"), r.GetUInt128("upid"), r.GetString("req_method"), r.GetString("req_path"),
            r.GetInt64("resp_status"), r.GetDouble("latency_ms"), r.GetBoolean("slow"))).OrderBy(r => r.Item1).ToList();
        var expected = Rows.Select((r, i) => (r.Time, new Upid(1, (uint)(1000 + (i % 3)), 42).Value, r.Method, r.Path, r.Status, r.Latency / 1000000.0, r.Latency > 25000000)).ToList();
        got.Should().Equal(expected);
        table.RowCount.Should().Be(Rows.Count);
        result.Stats!.RecordsProcessed.Should().Be(Rows.Count);
        result.Warnings.Should().BeEmpty();
        result.QueryId.Should().NotBeEmpty();
    }

    [Test]
    public async Task RunScriptAsync_RowIndexer_BoxesTypedValues()
    {
        using var client = new PixieClient(_host!.Address.ToString());

        var result = await client.RunScriptAsync(HttpScript);

        var row = result["http"].Rows.MaxBy(r => r.GetTimeNs("time_"));
        row["time_"].Should().Be(DateTimeOffset.UnixEpoch.AddTicks(HttpEventsData.Now / 100));
        row.GetTime("time_").Should().Be(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        row["resp_status"].Should().Be(Rows[^1].Status);
        row["req_path"].Should().Be(Rows[^1].Path);
        row[5].Should().BeOfType<double>();
        var act = () => row.GetString("resp_status");
        act.Should().Throw<InvalidOperationException>().WithMessage("Column 'resp_status' of table 'http' is Int64, not String.");
        var missing = () => row["nope"];
        missing.Should().Throw<KeyNotFoundException>().WithMessage("*no column 'nope'*req_path*");
    }

    [Test]
    public async Task RunFunctionAsync_ExecFuncsWithArgs_FunctionRunsWithThem()
    {
        using var client = new PixieClient(_host!.Address.ToString());

        var result = await client.RunFunctionAsync(FunctionScript, "by_path", new Dictionary<string, string> { ["path"] = "/healthz", ["limit"] = "7" }, "health");

        var table = result.Tables.Should().ContainSingle().Which;
        table.Name.Should().Be("health");
        var rows = table.Rows.ToList();
        rows.Should().HaveCount(Math.Min(7, Rows.Count(r => r.Path == "/healthz"))).And.HaveCountGreaterThan(0);
        rows.Should().OnlyContain(r => r.GetString("req_path") == "/healthz");
        rows.Select(r => r.GetTimeNs("time_")).Should().BeSubsetOf(Rows.Where(r => r.Path == "/healthz").Select(r => r.Time));
    }

    [Test]
    public async Task RunAsync_TwoFunctionCalls_TwoTablesNamedByPrefix()
    {
        using var client = new PixieClient(_host!.Address.ToString());
        var request = new ScriptRequest(FunctionScript)
        {
            Functions =
            [
                new FunctionCall("by_path", new Dictionary<string, string> { ["path"] = "/metrics", ["limit"] = "1000" }, "metrics"),
                new FunctionCall("by_path", new Dictionary<string, string> { ["path"] = "/api/users", ["limit"] = "3" }, "users"),
            ],
        };

        var result = await client.RunAsync(request);

        result.Tables.Select(t => t.Name).Should().BeEquivalentTo("metrics", "users");
        result["metrics"].RowCount.Should().Be(Rows.Count(r => r.Path == "/metrics"));
        result["users"].RowCount.Should().Be(3);
    }

    [Test]
    public async Task RunScriptAsync_CompileError_PxlScriptExceptionWithLineAndColumn()
    {
        using var client = new PixieClient(_host!.Address.ToString());
        const string Script = "import px\ndf = px.DataFrame('http_events', start_time=0)\npx.display(df[['req_pathx']])\n";

        var act = () => client.RunScriptAsync(Script);

        var e = (await act.Should().ThrowAsync<PxlScriptException>()).Which;
        e.Line.Should().Be(3);
        e.Column.Should().BeGreaterThan(0);
        e.SourceLine.Should().Be("px.display(df[['req_pathx']])");
        e.CompilerMessage.Should().Contain("req_pathx");
        e.Status.Should().Be(PixieHost.Client.StatusCode.InvalidArgument);
        e.Message.Should().StartWith($"line 3, col {e.Column}: ");
        e.Render().Should().EndWith("\n  " + new string(' ', e.Column - 1) + "^");
    }

    [Test]
    public async Task StreamAsync_Query_MetadataThenBatchesThenStats()
    {
        using var client = new PixieClient(_host!.Address.ToString());

        var events = new List<ResultEvent>();
        await foreach (var e in client.StreamAsync(new ScriptRequest(HttpScript)))
        {
            events.Add(e);
        }

        events[0].Should().BeOfType<TableMetadataEvent>().Which.Table.Name.Should().Be("http");
        events[^1].Should().BeOfType<StatsEvent>().Which.Stats.RecordsProcessed.Should().Be(Rows.Count);
        var batches = events.Skip(1).SkipLast(1).Should().AllBeOfType<BatchEvent>().Subject.Cast<BatchEvent>().Select(b => b.Batch).ToList();
        batches.Sum(b => b.RowCount).Should().Be(Rows.Count);
        batches.Select(b => b.EndOfStream).Should().Equal(batches.Select((_, i) => i == batches.Count - 1));
        batches.SelectMany(b => b.GetStringColumn("req_path")).Order().Should().Equal(Rows.Select(r => r.Path).Order());
    }

    [Test]
    public async Task StreamRowsAsync_NamedTable_RowsOfThatTable()
    {
        using var client = new PixieClient(_host!.Address.ToString());

        var paths = new List<string>();
        await foreach (var row in client.StreamRowsAsync(new ScriptRequest(HttpScript), "http"))
        {
            paths.Add(row.GetString("req_path"));
        }

        paths.Order().Should().Equal(Rows.Select(r => r.Path).Order());
        var missing = async () =>
        {
            await foreach (var _ in client.StreamRowsAsync(new ScriptRequest(HttpScript), "nope"))
            {
            }
        };
        (await missing.Should().ThrowAsync<PixieException>()).Which.Message.Should().Be("The script produced no table 'nope'. Its tables: http.");
    }

    [Test]
    public async Task RunScriptAsync_FilterMatchesNothing_EmptyCompleteTable()
    {
        using var client = new PixieClient(_host!.Address.ToString());

        var result = await client.RunScriptAsync("import px\ndf = px.DataFrame('http_events', start_time=0)\npx.display(df[df.resp_status == 999], 'none')\n");

        var table = result["none"];
        (table.Complete, table.RowCount, table.Batches.Count).Should().Be((true, 0L, 0));
        table.Columns.Should().HaveCount(PemSchemas.HttpEvents.Count);
    }

    [Test]
    public async Task RunScriptAsync_CancelledBeforeStart_OperationCanceled()
    {
        using var client = new PixieClient(_host!.Address.ToString());
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = () => client.RunScriptAsync(HttpScript, cancellationToken: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task HealthCheckAsync_Serving_True()
    {
        using var client = new PixieClient(_host!.Address.ToString(), new PixieClientOptions { Timeout = TimeSpan.FromSeconds(10) });

        (await client.HealthCheckAsync()).Should().BeTrue();
    }
}
