using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class QueryExecutorTests
{
    private const long Second = 1_000_000_000;
    private List<HttpRow> _rows = null!;
    private QueryExecutor _executor = null!;

    [SetUp]
    public void SetUp()
    {
        // 1000 rows, one per second, the newest at Now: '-5m' selects the last 301 (both ends inclusive).
        _rows = HttpEventsData.Rows(1000);
        _executor = new QueryExecutor(HttpEventsData.Store(_rows, batchSize: 128), () => HttpEventsData.Now);
    }

    private async Task<List<Dictionary<string, object?>>> Run(string script, string table = "output")
    {
        var result = await _executor.ExecuteAsync(new QueryRequest(script));
        var t = result.Tables.Should().ContainSingle(x => x.Name == table).Subject;
        return ResultRows.Of(t);
    }

    [Test]
    public async Task Execute_IssueExample_GroupCountsAndMeansMatchIndependentComputation()
    {
        var rows = await Run("""
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df = df[df.resp_status >= 200]
            df = df.groupby(['req_method', 'resp_status']).agg(n=('latency', px.count), p50=('latency', px.mean))
            px.display(df, 'by_status')
            """, "by_status");

        var expected = _rows.Where(r => r.Time >= HttpEventsData.Now - (300 * Second) && r.Status >= 200)
            .GroupBy(r => (r.Method, r.Status))
            .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Mean: g.Average(r => (double)r.Latency)));
        rows.Should().HaveCount(expected.Count);
        foreach (var row in rows)
        {
            var key = ((string)row["req_method"]!, (long)row["resp_status"]!);
            expected.Should().ContainKey(key);
            row["n"].Should().Be(expected[key].Count);
            ((double)row["p50"]!).Should().BeApproximately(expected[key].Mean, 1e-6);
        }

        rows.Sum(r => (long)r["n"]!).Should().Be(301);
    }

    [TestCase("-30s", 31)]
    [TestCase("-5m", 301)]
    [TestCase("-1h", 1000)]
    public async Task Execute_StartTime_SelectsOnlyRecentRows(string start, long expected)
    {
        var rows = await Run($"import px\ndf = px.DataFrame('http_events', start_time='{start}')\npx.display(df.agg(n=('time_', px.count)))\n");
        rows.Single()["n"].Should().Be(expected);
    }

    [Test]
    public async Task Execute_StartAndEndTime_SelectsWindow()
    {
        var rows = await Run("import px\ndf = px.DataFrame('http_events', start_time='-100s', end_time='-50s')\n"
            + "px.display(df.agg(n=('time_', px.count), lo=('time_', px.min), hi=('time_', px.max)))\n");
        rows.Single()["n"].Should().Be(51L);
        rows.Single()["lo"].Should().Be(HttpEventsData.Now - (100 * Second));
        rows.Single()["hi"].Should().Be(HttpEventsData.Now - (50 * Second));
    }

    [Test]
    public async Task Execute_TimeFilterInScript_BecomesSourceRangeAndSelectsSameRows()
    {
        var rows = await Run("import px\ndf = px.DataFrame('http_events')\ndf = df[df.time_ > px.now() - px.seconds(10)]\npx.display(df[['time_']])\n");
        rows.Should().HaveCount(10);
    }

    [Test]
    public async Task Execute_Head_ReturnsFirstRowsInOrder()
    {
        var rows = await Run("import px\ndf = px.DataFrame('http_events', start_time='-5m')\npx.display(df[['time_', 'latency']].head(7))\n");
        var expected = _rows.Where(r => r.Time >= HttpEventsData.Now - (300 * Second)).Take(7).ToList();
        rows.Select(r => (long)r["time_"]!).Should().Equal(expected.Select(r => r.Time));
        rows.Select(r => (long)r["latency"]!).Should().Equal(expected.Select(r => r.Latency));
    }

    [Test]
    public async Task Execute_MaxOutputRowsFlag_CapsEveryTable()
    {
        var result = await _executor.ExecuteAsync(new QueryRequest(
            "#px:set max_output_rows_per_table=25\nimport px\ndf = px.DataFrame('http_events', start_time='-1h')\npx.display(df, 'a')\npx.display(df[['latency']], 'b')\n"));
        result.Tables.Select(t => (t.Name, t.RowCount)).Should().Equal(("a", 25L), ("b", 25L));
    }

    [Test]
    public async Task Execute_NoFlag_CapsAtDefault()
    {
        var big = HttpEventsData.Rows(12_000, stepNs: 1_000_000);
        var executor = new QueryExecutor(HttpEventsData.Store(big, 4096), () => HttpEventsData.Now);
        var result = await executor.ExecuteAsync(new QueryRequest("import px\npx.display(px.DataFrame('http_events')[['latency']])\n"));
        result.Tables.Single().RowCount.Should().Be(QueryExecutor.DefaultMaxOutputRowsPerTable);
    }

    [Test]
    public async Task Execute_StringFilterAndContains_MatchesLinq()
    {
        var rows = await Run("""
            import px
            df = px.DataFrame('http_events', start_time='-1h')
            df = df[(df.req_method == 'GET') & px.contains(df.req_path, '/api') & ~(df.resp_status == 500)]
            px.display(df.agg(n=('latency', px.count), total=('latency', px.sum)))
            """);
        var match = _rows.Where(r => r.Method == "GET" && r.Path.Contains("/api") && r.Status != 500).ToList();
        rows.Single()["n"].Should().Be((long)match.Count);
        rows.Single()["total"].Should().Be(match.Sum(r => r.Latency));
    }

    [Test]
    public async Task Execute_MapArithmeticAndSelect_ComputesPerRow()
    {
        var rows = await Run("""
            import px
            df = px.DataFrame('http_events', start_time='-10s')
            df.latency_ms = df.latency / 1000000
            df.kind = px.select(df.resp_status >= 400, 'error', 'ok')
            df.bucket = px.bin(df.time_, px.seconds(5))
            df.twice = df.latency * 2 + 1
            px.display(df[['latency', 'latency_ms', 'kind', 'bucket', 'time_', 'twice']])
            """);
        rows.Should().HaveCount(11);
        foreach (var r in rows)
        {
            var latency = (long)r["latency"]!;
            ((double)r["latency_ms"]!).Should().BeApproximately(latency / 1e6, 1e-9);
            r["twice"].Should().Be((latency * 2) + 1);
            var status = _rows.Single(x => x.Time == (long)r["time_"]!).Status;
            r["kind"].Should().Be(status >= 400 ? "error" : "ok");
            ((long)r["bucket"]! % (5 * Second)).Should().Be(0);
            ((long)r["time_"]! - (long)r["bucket"]!).Should().BeInRange(0, (5 * Second) - 1);
        }
    }

    [Test]
    public async Task Execute_GroupByErrorFlag_CountsMatch()
    {
        var rows = await Run("""
            import px
            df = px.DataFrame('http_events', start_time='-1h')
            df.failure = df.resp_status >= 400
            df = df.groupby('req_path').agg(errors=('failure', px.sum), rate=('failure', px.mean), worst=('latency', px.max))
            px.display(df)
            """);
        var expected = _rows.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.ToList());
        rows.Should().HaveCount(expected.Count);
        foreach (var r in rows)
        {
            var g = expected[(string)r["req_path"]!];
            r["errors"].Should().Be((long)g.Count(x => x.Status >= 400));
            ((double)r["rate"]!).Should().BeApproximately(g.Count(x => x.Status >= 400) / (double)g.Count, 1e-9);
            r["worst"].Should().Be(g.Max(x => x.Latency));
        }
    }

    [Test]
    public async Task Execute_UserFunctionAndDefaultName_AreInlined()
    {
        var rows = await Run("""
            import px

            def slow(threshold_ms: int = 40):
                '''Requests slower than the threshold.'''
                df = px.DataFrame(table='http_events', start_time='-1h')
                return df[df.latency > threshold_ms * 1000 * 1000]

            px.display(slow().agg(n=('latency', px.count)))
            """);
        rows.Single()["n"].Should().Be((long)_rows.Count(r => r.Latency > 40_000_000));
    }

    [Test]
    public async Task Execute_EmptyTableAggregate_ReturnsOneRowWithZeroCount()
    {
        var executor = new QueryExecutor(new Modules.TableStore.TableStore(), () => HttpEventsData.Now);
        var result = await executor.ExecuteAsync(new QueryRequest("import px\npx.display(px.DataFrame('conn_stats').agg(n=('bytes_sent', px.count)))\n"));
        ResultRows.Of(result.Tables.Single()).Single()["n"].Should().Be(0L);
    }

    [Test]
    public async Task Execute_Stats_CountRecordsAndBytesRead()
    {
        var result = await _executor.ExecuteAsync(new QueryRequest("import px\npx.display(px.DataFrame('http_events', start_time='-5m')[['latency']])\n"));
        result.Stats.RecordsProcessed.Should().Be(301);
        result.Stats.BytesProcessed.Should().BeGreaterOrEqualTo(301 * 8);
        result.Stats.CompilationTimeNs.Should().BePositive();
        result.Stats.ExecutionTimeNs.Should().BePositive();
    }

    [Test]
    public async Task Execute_ResultRelation_CarriesTypesAndSemanticTypes()
    {
        var result = await _executor.ExecuteAsync(new QueryRequest(
            "import px\ndf = px.DataFrame('http_events', start_time='-5m')\ndf = df.groupby('req_method').agg(lat=('latency', px.mean), n=('latency', px.count))\npx.display(df)\n"));
        var relation = result.Tables.Single().Relation;
        relation.Columns.Select(c => (c.Name, c.Type, c.Semantic)).Should().Equal(
            ("req_method", Modules.TableStore.DataType.String, Modules.TableStore.SemanticType.HttpReqMethod),
            ("lat", Modules.TableStore.DataType.Float64, Modules.TableStore.SemanticType.DurationNs),
            ("n", Modules.TableStore.DataType.Int64, Modules.TableStore.SemanticType.None));
    }

    [Test]
    public async Task Execute_AnyAggregate_KeepsAValueOfTheGroup()
    {
        var rows = await Run("import px\ndf = px.DataFrame('http_events', start_time='-1h')\ndf = df.groupby('req_path').agg(m=('req_method', px.any), s=('resp_status', px.any))\npx.display(df)\n");
        foreach (var r in rows)
        {
            var group = _rows.Where(x => x.Path == (string)r["req_path"]!).ToList();
            group.Select(x => x.Method).Should().Contain((string)r["m"]!);
            group.Select(x => x.Status).Should().Contain((long)r["s"]!);
        }
    }

    [Test]
    public async Task Execute_Append_UnionsRowsAndAlignsColumns()
    {
        var rows = await Run("""
            import px
            df = px.DataFrame('http_events', start_time='-1h')
            errors = df[df.resp_status >= 500][['req_path', 'latency']]
            slow = df[df.latency > 45000000][['latency', 'req_path']]
            both = errors.append(slow)
            px.display(both.groupby('req_path').agg(n=('latency', px.count)))
            """);
        var expected = _rows.Where(r => r.Status >= 500).Concat(_rows.Where(r => r.Latency > 45_000_000))
            .GroupBy(r => r.Path).ToDictionary(g => g.Key, g => (long)g.Count());
        rows.ToDictionary(r => (string)r["req_path"]!, r => (long)r["n"]!).Should().Equal(expected);
    }

    [Test]
    public void Compile_AppendWithDifferentColumns_IsReported()
    {
        var act = () => _executor.Explain(new QueryRequest("import px\ndf = px.DataFrame('http_events')\npx.display(df[['latency']].append(df[['req_path']]))\n"));
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 3 && e.Message.StartsWith("append: column 'latency' is missing"));
    }

    [Test]
    public void ExecuteAsync_CompileError_ReturnsFaultedTask()
    {
        var task = _executor.ExecuteAsync(new QueryRequest("import px\npx.display(px.DataFrame('nope'))\n"));
        task.IsFaulted.Should().BeTrue();
        task.Exception!.InnerException.Should().BeOfType<PxlCompileException>();
    }

    [Test]
    public void ExecuteAsync_CancelledToken_ReturnsCancelledTask()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var task = _executor.ExecuteAsync(new QueryRequest("import px\npx.display(px.DataFrame('http_events'))\n"), cts.Token);
        task.IsCanceled.Should().BeTrue();
    }
}
