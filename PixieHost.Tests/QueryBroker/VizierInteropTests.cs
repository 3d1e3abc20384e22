using System.Diagnostics;
using System.Text.Json;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.QueryBroker;

/// <summary>
/// The query API against a standard gRPC implementation: @grpc/grpc-js as client of our server and as server for our
/// client. Needs node and npm (the npm registry on first run, for <c>npm ci</c>); skipped when they are missing.
/// </summary>
[TestFixture]
[Category("Interop")]
public sealed class VizierInteropTests
{
    private static readonly string RepoRoot = FindRepoRoot();
    private static readonly string NodeDir = Path.Combine(RepoRoot, "PixieHost.Tests", "Interop", "node");
    private static readonly string ProtoPath = Path.Combine(RepoRoot, "PixieHost.Modules", "Rpc", "Protos", "vizierapi.proto");

    private RpcTestHost? _host;

    [OneTimeSetUp]
    public async Task InstallGrpcJs()
    {
        if (!OnPath("node") || !OnPath("npm"))
        {
            Assert.Ignore("node and npm are not installed; the @grpc/grpc-js interop check needs them (apt-get install nodejs npm).");
        }

        if (!Directory.Exists(Path.Combine(NodeDir, "node_modules", "@grpc", "grpc-js")))
        {
            var (code, output) = await RunAsync("npm", "ci --no-audit --no-fund", TimeSpan.FromMinutes(3));
            if (code != 0)
            {
                Assert.Ignore($"npm ci failed (is the npm registry reachable?): {output}");
            }
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public async Task GrpcJsClient_ExecuteScript_ReceivesAllRows()
    {
        var schema = new TableSchema("t", [new ColumnSchema("upid", DataType.UInt128), new ColumnSchema("path", DataType.String), new ColumnSchema("n", DataType.Int64)]);
        var builder = new RowBatchBuilder(schema);
        for (var i = 0; i < 2_500; i++)
        {
            builder.AppendRow(new UInt128(((ulong)3 << 32) | 77, (ulong)i), i == 0 ? "/é" : $"/p{i}", (long)i);
        }

        var other = TestQueryExecutor.Table("u", [new ColumnSchema("x", DataType.Float64)], [1.0], [2.0]);
        await StartHostAsync(new TestQueryExecutor(new ResultTable("t", schema, [builder.Build()]), other));

        var result = await RunNodeAsync("execute", $"127.0.0.1:{_host!.Port}");

        result.GetProperty("code").GetInt32().Should().Be(0);
        result.GetProperty("rows").GetInt32().Should().Be(2_502);
        result.GetProperty("tables").GetProperty("t").GetInt32().Should().Be(2_500);
        result.GetProperty("tables").GetProperty("u").GetInt32().Should().Be(2);
        result.GetProperty("batches").GetInt32().Should().Be(4);
        result.GetProperty("firstString").GetString().Should().Be("/é");
        result.GetProperty("firstUpidHigh").GetString().Should().Be((((ulong)3 << 32) | 77).ToString(System.Globalization.CultureInfo.InvariantCulture));
        result.GetProperty("records").GetString().Should().Be("42");
    }

    [Test]
    public async Task GrpcJsClient_DeadlineShorterThanScript_DeadlineExceeded()
    {
        await StartHostAsync(new TestQueryExecutor(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return new QueryResult([], new QueryStats(0, 0, 0, 0));
        }));

        var result = await RunNodeAsync("deadline", $"127.0.0.1:{_host!.Port}", "300");

        result.GetProperty("code").GetInt32().Should().Be((int)StatusCode.DeadlineExceeded);
    }

    [Test]
    public async Task GrpcJsClient_UnknownMethod_Unimplemented()
    {
        await StartHostAsync(new TestQueryExecutor());

        var result = await RunNodeAsync("unimplemented", $"127.0.0.1:{_host!.Port}");

        result.GetProperty("code").GetInt32().Should().Be((int)StatusCode.Unimplemented);
    }

    [Test]
    public async Task VizierClient_GrpcJsServer_AssemblesTable()
    {
        using var node = StartNode("server");
        var line = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        line.Should().StartWith("listening ");
        using var client = new VizierClient(new Uri($"http://127.0.0.1:{line!["listening ".Length..]}"));

        try
        {
            var result = await client.RunScriptAsync("script-text");

            var table = result["out"];
            table.Complete.Should().BeTrue();
            table.Rows.Should().BeEquivalentTo(new[] { new object[] { "a", 1L }, ["bé", 2L], ["script-text", 3L] }, o => o.WithStrictOrdering());
            result.Stats!.RecordsProcessed.Should().Be(3);
            (await client.HealthCheckAsync()).Should().BeTrue();
        }
        finally
        {
            node.Kill(entireProcessTree: true);
        }
    }

    private async Task StartHostAsync(IQueryExecutor executor) =>
        _host = await RpcTestHost.StartAsync(s => s.AddSingleton(executor).AddVizierApi(), app => app.MapVizierApi());

    private static async Task<JsonElement> RunNodeAsync(params string[] args)
    {
        using var node = StartNode(args);
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var text = await stdout;
        node.ExitCode.Should().Be(0, await stderr);
        return JsonDocument.Parse(text).RootElement;
    }

    private static Process StartNode(params string[] args)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = NodeDir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("vizier-interop.js");
        info.ArgumentList.Add(ProtoPath);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments) { WorkingDirectory = NodeDir, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    /// <summary>The directory holding Pixie.sln, found upwards from the test binaries.</summary>
    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pixie.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Pixie.sln above {AppContext.BaseDirectory}.");
    }
}
