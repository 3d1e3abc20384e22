using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Http2;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>px/http_data over the rows the HTTP/2 handler wrote from the recorded corpus.</summary>
[TestFixture]
public class Http2PxlTests
{
    [Test]
    public async Task Execute_HttpDataOverHttp2Rows_ShowsGrpcAndPlainStreams()
    {
        var store = new TableStore();
        var env = new FakeTracerEnvironment();
        using (var tracer = new Tracer(new SocketTracerOptions { Asid = 3 }, store, env, [new Http2Handler()]))
        {
            var fd = 7;
            foreach (var name in Http2Corpus.Names())
            {
                Http2Replay.Feed(tracer, Http2Corpus.Load(name), TraceRole.Server, fd: fd++);
            }

            tracer.Flush();
        }

        var stored = TableRows.Read(store.Find("http_events"));
        var now = stored.Max(r => (long)r["time_"]!) + 1_000_000_000L;
        var executor = new QueryExecutor(store, () => now);
        ScriptLibrary.Embedded.TryGet("px/http_data", out var script).Should().BeTrue();

        var result = await executor.ExecuteAsync(new QueryRequest(script.Pxl, new Dictionary<string, string> { ["start_time"] = "-1h" }, "px/http_data"));

        var rows = ResultRows.Of(result.Tables.Should().ContainSingle().Subject);
        stored.Should().HaveCount(26);
        rows.Should().HaveCount(stored.Count);
        rows.Select(r => (string)r["req_path"]!).Should().Contain(["/hello", "/test.Echo/Echo", "/test.Echo/Fail", "/status/404"]);
        rows.Single(r => (string)r["req_path"]! == "/status/404")["resp_status"].Should().Be(404L);
    }
}
