using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Redis;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Redis;

/// <summary>px/redis_stats over redis_events rows the handler wrote from real redis-cli traffic.</summary>
[TestFixture]
[NonParallelizable]
public class RedisPxlTests
{
    [Test]
    public async Task RedisStats_RealTraffic_PerCommandCountsAndErrorRate()
    {
        using var server = RedisServer.Start();
        var conns = await RedisTestSupport.RecordAsync(server.Port, port => RedisServer.CliWithInput(port,
            "SET a 1\nSET b x\nGET a\nINCR a\nINCR b\nINCR b\n"));
        var store = new TableStore();
        var env = new FakeTracerEnvironment();
        using (var tracer = new Tracer(new SocketTracerOptions { Asid = 1 }, store, env, [new RedisHandler()]))
        {
            conns[0].Replay(tracer, TraceRole.Client, TrafficProtocol.Redis);
            tracer.Flush();
        }

        var rows = TableRows.Read(store.Find("redis_events"));
        var now = rows.Max(r => (long)r["time_"]!) + 1_000_000_000;
        var result = await new QueryExecutor(store, () => now, functions: PxlFunctions(env))
            .ExecuteAsync(new QueryRequest(ScriptLibrary.Embedded.TryGet("px/redis_stats", out var s) ? s.Pxl : "",
                new Dictionary<string, string> { ["start_time"] = "-5m", ["pod"] = "redis" }, "px/redis_stats"));

        var table = result.Tables.Should().ContainSingle().Subject;
        var byCmd = Read(table).ToDictionary(r => (string)r["req_cmd"]!);
        byCmd.Keys.Should().Contain(["SET", "GET", "INCR"]);
        ((double)byCmd["INCR"]["error_rate"]!).Should().BeApproximately(2.0 / 3, 1e-9, "INCR b fails twice");
        ((double)byCmd["SET"]["error_rate"]!).Should().Be(0);
        ((long)byCmd["INCR"]["latency_p50"]!).Should().BePositive();
    }

    private static List<Dictionary<string, object?>> Read(ResultTable t) =>
        [.. t.Batches.SelectMany(b => Enumerable.Range(0, b.RowCount).Select(r =>
            Enumerable.Range(0, b.Columns.Count).ToDictionary(c => t.Relation[c].Name, c => b[c].GetValue(r))))];

    private static Modules.Pxl.Functions.FunctionRegistry PxlFunctions(FakeTracerEnvironment env)
    {
        var upid = new Upid(1, 4321, env.StartTicks).Value;
        var pod = new Modules.Metadata.PodMetadata("pod-r", "default/redis-0", "default", "node-1", "node-1", 0, "Running", "10.0.0.9", []);
        var process = new Modules.Metadata.ProcessMetadata(upid, 4321, env.StartTicks, "/usr/bin/redis-cli", string.Empty, string.Empty, pod);
        return Modules.Pxl.Functions.FunctionRegistry.Create(new StaticMetadataProvider("node-1", [process]));
    }
}
