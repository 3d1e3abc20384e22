using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.Rpc.VizierApi;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using DataType = PixieHost.Modules.TableStore.DataType;
using SemanticType = PixieHost.Modules.TableStore.SemanticType;
using UInt128 = System.UInt128;

namespace PixieHost.Tests.QueryBroker;

[TestFixture]
public sealed class VizierServiceTests
{
    private static readonly ColumnSchema[] HttpColumns =
    [
        new("time_", DataType.Time64NS, SemanticType.TimeNs),
        new("upid", DataType.UInt128, SemanticType.Upid),
        new("req_path", DataType.String),
        new("resp_status", DataType.Int64, SemanticType.HttpRespStatus),
        new("latency_ms", DataType.Float64),
        new("encrypted", DataType.Boolean),
    ];

    private static readonly UInt128 Upid = new((7UL << 32) | 4242, 123_456);

    private RpcTestHost? _host;

    [TearDown]
    public async Task TearDown()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public async Task ExecuteScript_TwoTables_MetadataThenBatchesThenStats()
    {
        var http = TestQueryExecutor.Table("http", HttpColumns,
            [1_000L, Upid, "/api/é", 200L, 1.5, false],
            [2_000L, UInt128.MaxValue, "", 503L, 0.25, true]);
        var counts = TestQueryExecutor.Table("counts", [new ColumnSchema("n", DataType.Int64)], [3L]);
        using var client = await StartAsync(new TestQueryExecutor(http, counts));

        var responses = await ToListAsync(client.ExecuteScriptAsync(VizierClient.CreateRequest("px.display(df)")));

        responses.Select(Kind).Should().Equal("meta:http", "meta:counts", "batch", "batch", "stats");
        responses.Select(r => r.QueryId).Distinct().Should().ContainSingle().Which.Should().NotBeEmpty();
        var httpMeta = responses[0].MetaData;
        httpMeta.Relation.Columns.Select(c => (c.ColumnName, c.ColumnType, c.ColumnSemanticType)).Should().Equal(
            ("time_", Modules.Rpc.VizierApi.DataType.Time64Ns, Modules.Rpc.VizierApi.SemanticType.StTimeNs),
            ("upid", Modules.Rpc.VizierApi.DataType.Uint128, Modules.Rpc.VizierApi.SemanticType.StUpid),
            ("req_path", Modules.Rpc.VizierApi.DataType.String, Modules.Rpc.VizierApi.SemanticType.StNone),
            ("resp_status", Modules.Rpc.VizierApi.DataType.Int64, Modules.Rpc.VizierApi.SemanticType.StHttpRespStatus),
            ("latency_ms", Modules.Rpc.VizierApi.DataType.Float64, Modules.Rpc.VizierApi.SemanticType.StNone),
            ("encrypted", Modules.Rpc.VizierApi.DataType.Boolean, Modules.Rpc.VizierApi.SemanticType.StNone));

        var batch = responses[2].Data.Batch;
        batch.TableId.Should().Be(httpMeta.Id);
        (batch.NumRows, batch.Eow, batch.Eos).Should().Be((2L, true, true));
        batch.Cols[0].Time64NsData.Data.Should().Equal(1_000L, 2_000L);
        batch.Cols[1].Uint128Data.Data.Select(u => (u.High, u.Low)).Should().Equal(((7UL << 32) | 4242, 123_456UL), (ulong.MaxValue, ulong.MaxValue));
        batch.Cols[2].StringData.Data.Select(b => b.ToStringUtf8()).Should().Equal("/api/é", "");
        batch.Cols[3].Int64Data.Data.Should().Equal(200L, 503L);
        batch.Cols[4].Float64Data.Data.Should().Equal(1.5, 0.25);
        batch.Cols[5].BooleanData.Data.Should().Equal(false, true);
        responses[3].Data.Batch.TableId.Should().Be(responses[1].MetaData.Id).And.NotBe(httpMeta.Id);

        var stats = responses[4].Data.ExecutionStats;
        (stats.Timing.CompilationTimeNs, stats.Timing.ExecutionTimeNs, stats.BytesProcessed, stats.RecordsProcessed).Should().Be((1_000L, 2_000L, 4_096L, 42L));
    }

    [Test]
    public async Task RunScriptAsync_TypedTable_RowsRoundTrip()
    {
        var http = TestQueryExecutor.Table("http", HttpColumns, [1_000L, Upid, "/x", 404L, 2.0, true]);
        using var client = await StartAsync(new TestQueryExecutor(http));

        var result = await client.RunScriptAsync("px.display(df)");

        var table = result["http"];
        table.Complete.Should().BeTrue();
        table.Relation.Columns.Should().Equal(HttpColumns);
        table.Rows.Should().ContainSingle().Which.Should().Equal(1_000L, Upid, "/x", 404L, 2.0, true);
        result.Stats!.RecordsProcessed.Should().Be(42);
    }

    [Test]
    public async Task ExecuteScript_LargeResult_SplitIntoSeveralBatchesEosOnLast()
    {
        const int Rows = 10_000;
        var schema = new TableSchema("big", [new ColumnSchema("i", DataType.Int64), new ColumnSchema("s", DataType.String)]);
        var builder = new RowBatchBuilder(schema, Rows);
        for (var i = 0; i < Rows; i++)
        {
            builder.AppendRow((long)i, $"row-{i}");
        }

        using var client = await StartAsync(new TestQueryExecutor(new ResultTable("big", schema, [builder.Build()])));

        var responses = await ToListAsync(client.ExecuteScriptAsync(VizierClient.CreateRequest("s")));

        var batches = responses.Where(r => r.Data?.Batch is not null).Select(r => r.Data.Batch).ToList();
        batches.Should().HaveCount((Rows + 1023) / 1024);
        batches.Sum(b => b.NumRows).Should().Be(Rows);
        batches.Select(b => b.Eos).Should().Equal(batches.Select((_, i) => i == batches.Count - 1));
        batches.SelectMany(b => b.Cols[0].Int64Data.Data).Should().Equal(Enumerable.Range(0, Rows).Select(i => (long)i));
        batches[^1].Cols[1].StringData.Data[^1].ToStringUtf8().Should().Be($"row-{Rows - 1}");
    }

    [Test]
    public async Task ExecuteScript_EmptyTable_OneEmptyBatchWithEos()
    {
        var empty = new ResultTable("none", new TableSchema("none", [new ColumnSchema("x", DataType.String)]), []);
        using var client = await StartAsync(new TestQueryExecutor(empty));

        var result = await client.RunScriptAsync("s");

        result["none"].Complete.Should().BeTrue();
        result["none"].RowCount.Should().Be(0);
    }

    [Test]
    public async Task ExecuteScript_CompileError_StatusCode3WithLineAndColumn()
    {
        var executor = new TestQueryExecutor((_, _) => throw new PxlCompileException("unknown column 'reqpath'", 2, 5));
        using var client = await StartAsync(executor);
        const string Script = "df = px.DataFrame('http_events')\ndf.reqpath\n";

        var responses = await ToListAsync(client.ExecuteScriptAsync(VizierClient.CreateRequest(Script)));

        var status = responses.Should().ContainSingle().Which.Status;
        status.Code.Should().Be(3);
        var error = status.ErrorDetails.Should().ContainSingle().Which.CompilerError;
        (error.Line, error.Column, error.Message).Should().Be((2UL, 5UL, "unknown column 'reqpath'"));

        var act = () => client.RunScriptAsync(Script);
        var thrown = (await act.Should().ThrowAsync<PxlCompileException>()).Which;
        thrown.Render().Should().Be("line 2, col 5: unknown column 'reqpath'\n  df.reqpath\n      ^");
    }

    [Test]
    public async Task ExecuteScript_ExecFuncsAndQueryName_PassedToExecutor()
    {
        var executor = new TestQueryExecutor();
        using var client = await StartAsync(executor);
        await client.RunScriptAsync("s", new Dictionary<string, string> { ["start_time"] = "-5m", ["svc"] = "a" }, "px/http_data");

        var seen = executor.Requests.Should().ContainSingle().Which;
        seen.Script.Should().Be("s");
        seen.QueryName.Should().Be("px/http_data");
        seen.Args.Should().BeEquivalentTo(new Dictionary<string, string> { ["start_time"] = "-5m", ["svc"] = "a" });
    }

    [Test]
    public async Task ExecuteScript_ExecutorSlowerThanDeadline_DeadlineExceeded()
    {
        var cancelled = new TaskCompletionSource();
        var executor = new TestQueryExecutor(async (_, ct) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }

            return new QueryResult([], new QueryStats(0, 0, 0, 0));
        });
        using var client = await StartAsync(executor);

        var act = () => client.RunScriptAsync("s", options: new RpcCallOptions { Timeout = TimeSpan.FromMilliseconds(200) });

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.DeadlineExceeded);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task ExecuteScript_ClientStopsAfterFirstBatch_ServerStreamEndsEarly()
    {
        // 500 MB of rows (one 1 MB batch listed 500 times): far more than HTTP/2 windows (up to 16 MB) and Kestrel
        // buffers hold, so the server can only finish early if the client's hang-up cancels it.
        var schema = new TableSchema("big", [new ColumnSchema("s", DataType.String)]);
        var builder = new RowBatchBuilder(schema, 10_000);
        var row = new string('x', 100);
        for (var i = 0; i < 10_000; i++)
        {
            builder.AppendRow(row);
        }

        var batch = builder.Build();
        var served = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new TestQueryExecutor(new ResultTable("big", schema, Enumerable.Repeat(batch, 500).ToList()));
        _host = await RpcTestHost.StartAsync(
            s => s.AddSingleton<IQueryExecutor>(executor).AddVizierApi(),
            app =>
            {
                app.Use(async (ctx, next) =>
                {
                    await next(ctx);
                    served.TrySetResult(ctx.RequestAborted.IsCancellationRequested);
                });
                app.MapVizierApi();
            });
        using var client = new VizierClient(_host.Address);

        var batches = 0;
        await foreach (var response in client.ExecuteScriptAsync(VizierClient.CreateRequest("s")))
        {
            if (response.Data?.Batch is not null && ++batches == 1)
            {
                break;
            }
        }

        // 30 s, not 10: on a loaded 2-core machine the server took longer than 10 s to see the reset (2 of ~10 runs).
        (await served.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("the server saw the client's reset and stopped");
    }

    [Test]
    public async Task ExecuteScript_EmptyScript_InvalidArgument()
    {
        using var client = await StartAsync(new TestQueryExecutor());

        var act = () => client.RunScriptAsync(" ");

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.InvalidArgument);
    }

    [Test]
    public async Task HealthCheck_Running_FirstStatusOk()
    {
        using var client = await StartAsync(new TestQueryExecutor());

        (await client.HealthCheckAsync(new RpcCallOptions { Timeout = TimeSpan.FromSeconds(5) })).Should().BeTrue();
    }

    [Test]
    public async Task GenerateOTelScript_NotImplemented_Unimplemented()
    {
        using var channel = new RpcChannel(await StartHostAsync(new TestQueryExecutor()));

        var act = () => channel.UnaryAsync(VizierServiceMethods.GenerateOTelScript, new GenerateOTelScriptRequest());

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.Unimplemented);
    }

    private async Task<VizierClient> StartAsync(IQueryExecutor executor) => new(await StartHostAsync(executor));

    private async Task<Uri> StartHostAsync(IQueryExecutor executor)
    {
        _host = await RpcTestHost.StartAsync(
            s => s.AddSingleton(executor).AddVizierApi(),
            app => app.MapVizierApi());
        return _host.Address;
    }

    private static string Kind(ExecuteScriptResponse r) => r.ResultCase switch
    {
        ExecuteScriptResponse.ResultOneofCase.MetaData => $"meta:{r.MetaData.Name}",
        ExecuteScriptResponse.ResultOneofCase.Data when r.Data.Batch is not null => "batch",
        ExecuteScriptResponse.ResultOneofCase.Data when r.Data.ExecutionStats is not null => "stats",
        _ => "other",
    };

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
