using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Dns;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Dns;

/// <summary>px/dns_data over dns_events rows the handler wrote from real dig ↔ dnsmasq traffic.</summary>
[TestFixture]
[NonParallelizable]
public class DnsPxlTests
{
    [Test]
    public async Task DnsData_RealQueries_RowsWithSourceDestinationAndJson()
    {
        using var server = DnsServer.Start();
        var conns = new List<RecordedConnection>();
        foreach (var name in new[] { "example.test", "host.example.test" })
        {
            conns.AddRange(await DnsTestSupport.RecordUdpAsync(server.Port, port => DnsServer.Dig(port, name, "A")));
        }

        var store = new TableStore();
        var env = new FakeTracerEnvironment();
        using (var tracer = new Tracer(new SocketTracerOptions { Asid = 1 }, store, env, [new DnsHandler()]))
        {
            for (var i = 0; i < conns.Count; i++)
            {
                RecordingUdpRelay.ReplayDatagrams(conns[i], tracer, TraceRole.Client, fd: 20 + i);
            }

            tracer.Flush();
        }

        var now = TableRows.Read(store.Find("dns_events")).Max(r => (long)r["time_"]!) + 1_000_000_000;
        var result = await new QueryExecutor(store, () => now, functions: PxlFunctions(env))
            .ExecuteAsync(new QueryRequest(ScriptLibrary.Embedded.TryGet("px/dns_data", out var s) ? s.Pxl : "",
                new Dictionary<string, string> { ["start_time"] = "-5m", ["namespace"] = "", ["pod"] = "", ["max_num_records"] = "100" }, "px/dns_data"));

        var table = result.Tables.Should().ContainSingle().Subject;
        var rows = Read(table);
        rows.Should().HaveCount(2);
        rows.Should().OnlyContain(r => (string)r["source"]! == "default/dig-0" && (string)r["destination"]! == "127.0.0.1");
        rows.Select(r => (string)r["resp_body"]!).Should().BeEquivalentTo(
            """{"answers":[{"name":"example.test","type":"A","addr":"10.1.2.3"}]}""",
            """{"answers":[{"name":"host.example.test","type":"A","addr":"10.9.8.7"}]}""");
    }

    private static List<Dictionary<string, object?>> Read(ResultTable t) =>
        [.. t.Batches.SelectMany(b => Enumerable.Range(0, b.RowCount).Select(r =>
            Enumerable.Range(0, b.Columns.Count).ToDictionary(c => t.Relation[c].Name, c => b[c].GetValue(r))))];

    private static Modules.Pxl.Functions.FunctionRegistry PxlFunctions(FakeTracerEnvironment env)
    {
        var upid = new Upid(1, 4321, env.StartTicks).Value;
        var pod = new Modules.Metadata.PodMetadata("pod-d", "default/dig-0", "default", "node-1", "node-1", 0, "Running", "10.0.0.8", []);
        var process = new Modules.Metadata.ProcessMetadata(upid, 4321, env.StartTicks, "/usr/bin/dig", string.Empty, string.Empty, pod);
        return Modules.Pxl.Functions.FunctionRegistry.Create(new StaticMetadataProvider("node-1", [process]));
    }
}
