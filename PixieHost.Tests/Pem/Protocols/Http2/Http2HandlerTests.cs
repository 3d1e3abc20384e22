using System.Text;
using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.Rpc.VizierApi;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>
/// Real Kestrel (h2c) and real clients (HttpClient, the project's gRPC channel) through the recording proxy,
/// replayed into the socket tracer with the HTTP/2 handler: the http_events rows it writes.
/// </summary>
[TestFixture]
public sealed class Http2HandlerTests
{
    private const string Unknown = "<unknown: HPACK state from before tracing>";

    private Http2Server _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await Http2Server.StartAsync();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [Test]
    public async Task Process_GetAndPostWithBodies_RowsWithPseudoHeadersBodiesAndLatency()
    {
        using (var client = _server.Client())
        {
            (await client.GetStringAsync("/hello")).Should().Be("hello h2");
            using var post = await client.PostAsync("/echo", new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"));
            (await post.Content.ReadAsStringAsync()).Should().Be("{\"a\":1}");
            using var missing = await client.GetAsync("/status/404");
        }

        var rows = await RecordAndReplay(TraceRole.Server);

        rows.Should().HaveCount(3);
        var get = rows.Single(r => (string)r["req_path"]! == "/hello");
        get["major_version"].Should().Be(2L);
        get["minor_version"].Should().Be(0L);
        get["trace_role"].Should().Be(2L);
        get["req_method"].Should().Be("GET");
        get["resp_status"].Should().Be(200L);
        get["resp_message"].Should().Be("OK");
        get["resp_body"].Should().Be("hello h2");
        get["resp_body_size"].Should().Be(8L);
        get["content_type"].Should().Be(0L);
        get["latency"].As<long>().Should().BePositive();
        var reqHeaders = Json(get["req_headers"]);
        reqHeaders[":method"].Should().Be("GET");
        reqHeaders[":path"].Should().Be("/hello");
        reqHeaders[":scheme"].Should().Be("http");
        reqHeaders[":authority"].Should().Be($"127.0.0.1:{_server.Proxy.Port}");
        Json(get["resp_headers"])[":status"].Should().Be("200");
        Json(get["resp_headers"])["content-type"].Should().StartWith("text/plain");

        var post2 = rows.Single(r => (string)r["req_path"]! == "/echo");
        post2["req_method"].Should().Be("POST");
        post2["req_body"].Should().Be("{\"a\":1}");
        post2["req_body_size"].Should().Be(7L);
        post2["resp_body"].Should().Be("{\"a\":1}");
        post2["content_type"].Should().Be(1L);

        var notFound = rows.Single(r => (string)r["req_path"]! == "/status/404");
        notFound["resp_status"].Should().Be(404L);
        notFound["resp_message"].Should().Be("Not Found");
    }

    [Test]
    public async Task Process_ClientSide_SameRowsWithClientRole()
    {
        using (var client = _server.Client())
        {
            await client.GetStringAsync("/hello");
        }

        var rows = await RecordAndReplay(TraceRole.Client);

        rows.Should().ContainSingle();
        rows[0]["trace_role"].Should().Be(1L);
        rows[0]["req_path"].Should().Be("/hello");
        rows[0]["resp_body"].Should().Be("hello h2");
    }

    [Test]
    public async Task Process_ManyConcurrentStreamsWithDynamicTableHeaders_EveryStreamPairedAndDecoded()
    {
        const int n = 60;
        using (var client = _server.Client())
        {
            for (var h = 0; h < 12; h++)
            {
                client.DefaultRequestHeaders.Add($"x-req-{h:D2}", $"r{h}");
            }

            var bodies = await Task.WhenAll(Enumerable.Range(0, n).Select(i => client.GetStringAsync($"/many/{i}")));
            bodies.Should().OnlyContain(b => b.StartsWith("many "));
        }

        _server.Proxy.Connections.Should().ContainSingle("HttpClient multiplexes every request on one HTTP/2 connection");
        var rows = await RecordAndReplay(TraceRole.Server, out var handler);

        rows.Should().HaveCount(n);
        handler.Stats.ParseErrors.Should().Be(0);
        foreach (var r in rows)
        {
            var i = int.Parse(((string)r["req_path"]!)["/many/".Length..]);
            r["resp_body"].Should().Be($"many {i}");
            var headers = Json(r["resp_headers"]);
            for (var h = 0; h < Http2Server.ManyHeaders; h++)
            {
                headers[$"x-custom-{h:D2}"].Should().Be(Http2Server.Value(h));
            }

            ((string)r["resp_headers"]!).Should().NotContain("<unknown");
            var req = Json(r["req_headers"]);
            for (var h = 0; h < 12; h++)
            {
                req[$"x-req-{h:D2}"].Should().Be($"r{h}");
            }
        }
    }

    [Test]
    public async Task Process_ServerBytesLostMidway_LaterStreamsStillRecordedNothingInvented()
    {
        using (var client = _server.Client())
        {
            for (var i = 0; i < 10; i++)
            {
                await client.GetStringAsync($"/many/{i}");
            }
        }

        await _server.WaitIdleAsync();
        var chunks = _server.Proxy.Connections.Single().Chunks;
        var serverChunks = chunks.Select((c, i) => (c, i)).Where(x => !x.c.FromClient).Select(x => x.i).ToList();
        var lost = serverChunks[serverChunks.Count / 3];

        var rows = Http2Replay.Rows(chunks, TraceRole.Server, out var handler, lose: i => i == lost);

        rows.Count.Should().BeInRange(1, 9);
        rows.Should().Contain(r => (string)r["req_path"]! == "/many/9", "the parser resyncs after the gap");
        foreach (var r in rows)
        {
            foreach (var (name, value) in Pairs(r["resp_headers"]))
            {
                if (name.StartsWith("x-custom-", StringComparison.Ordinal))
                {
                    value.Should().Be(Http2Server.Value(int.Parse(name[^2..])));
                }
            }
        }

        handler.Stats.UnansweredRequests.Should().BePositive("the request whose response was lost never completes");
    }

    [Test]
    public async Task Process_GrpcUnaryAndError_PathStatusTrailersAndDecodedMessages()
    {
        using (var channel = new RpcChannel(_server.Address))
        {
            (await channel.UnaryAsync(EchoRpcService.Echo, new Status { Code = 7, Message = "héllo" })).Code.Should().Be(7);
            var fail = () => channel.UnaryAsync(EchoRpcService.Fail, new Status { Code = (int)StatusCode.NotFound, Message = "no such pod" });
            await fail.Should().ThrowAsync<RpcException>();
        }

        var rows = await RecordAndReplay(TraceRole.Server);

        var ok = rows.Single(r => (string)r["req_path"]! == "/test.Echo/Echo");
        ok["req_method"].Should().Be("POST");
        ok["resp_status"].Should().Be(200L);
        ok["content_type"].Should().Be(2L);
        ok["req_body"].Should().Be("1: 7 2: \"héllo\"");
        ok["resp_body"].Should().Be("1: 7 2: \"héllo\"");
        ok["req_body_size"].Should().Be(5L + 2 + 2 + Encoding.UTF8.GetByteCount("héllo"));
        ok["latency"].As<long>().Should().BePositive();
        Json(ok["req_headers"])["content-type"].Should().StartWith("application/grpc");
        Json(ok["resp_headers"])["grpc-status"].Should().Be("0");

        var err = rows.Single(r => (string)r["req_path"]! == "/test.Echo/Fail");
        err["resp_status"].Should().Be(200L, "gRPC errors travel in trailers; the HTTP status stays 200");
        var trailers = Json(err["resp_headers"]);
        trailers["grpc-status"].Should().Be("5");
        trailers["grpc-message"].Should().Contain("no such pod");
        err["latency"].As<long>().Should().BePositive();
    }

    [Test]
    public async Task Process_MetMidConnection_LaterStreamsRecordedAndOldTableEntriesReportedUnknown()
    {
        using (var client = _server.Client())
        {
            for (var i = 0; i < 12; i++)
            {
                await client.GetStringAsync($"/many/{i}");
            }
        }

        await _server.WaitIdleAsync();
        var chunks = _server.Proxy.Connections.Single().Chunks;
        var clientBytes = Http2Corpus.Stream(chunks, fromClient: true).Length;
        var serverBytes = Http2Corpus.Stream(chunks, fromClient: false).Length;

        // Cut both directions at 40% of their bytes: mid-frame, after the table entries of /many were inserted.
        var rows = Http2Replay.Rows(chunks, TraceRole.Server, out var handler, clientBytes * 4 / 10, serverBytes * 4 / 10);

        rows.Should().NotBeEmpty();
        rows.Count.Should().BeLessThan(12);
        handler.Stats.BytesSkipped.Should().BePositive("the parser had to find the next frame boundary");
        var sawUnknown = false;
        foreach (var r in rows)
        {
            r["trace_role"].Should().Be(2L, "the side receiving requests is the server");
            var path = (string)r["req_path"]!;
            if (path.Length > 0)
            {
                path.Should().MatchRegex("^/many/[0-9]+$");
                r["resp_body"].Should().Be($"many {path["/many/".Length..]}");
            }

            foreach (var (name, value) in Pairs(r["resp_headers"]).Concat(Pairs(r["req_headers"])))
            {
                if (name == "<unknown>")
                {
                    sawUnknown = true;
                    continue;
                }

                if (name.StartsWith("x-custom-", StringComparison.Ordinal))
                {
                    value.Should().Be(Http2Server.Value(int.Parse(name[^2..])), "a known name never gets an invented value");
                }
                else if (name == ":status")
                {
                    value.Should().Be("200");
                }
            }
        }

        sawUnknown.Should().BeTrue("Kestrel indexes the x-custom headers; entries inserted before tracing are unknown");
    }

    private Task<List<Dictionary<string, object?>>> RecordAndReplay(TraceRole side) => RecordAndReplay(side, out _);

    private Task<List<Dictionary<string, object?>>> RecordAndReplay(TraceRole side, out Modules.Pem.Protocols.Http2.Http2Handler handler)
    {
        _server.WaitIdleAsync().GetAwaiter().GetResult();
        var rows = new List<Dictionary<string, object?>>();
        handler = null!;
        foreach (var c in _server.Proxy.Connections)
        {
            rows.AddRange(Http2Replay.Rows(c.Chunks, side, out handler));
        }

        return Task.FromResult(rows);
    }

    private static Dictionary<string, string> Json(object? text)
    {
        var d = new Dictionary<string, string>();
        foreach (var (k, v) in Pairs(text))
        {
            d[k] = v;
        }

        return d;
    }

    private static List<(string Name, string Value)> Pairs(object? text)
    {
        var list = new List<(string, string)>();
        using var doc = JsonDocument.Parse((string)text!);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Array)
            {
                list.AddRange(p.Value.EnumerateArray().Select(v => (p.Name, v.GetString()!)));
            }
            else
            {
                list.Add((p.Name, p.Value.GetString()!));
            }
        }

        return list;
    }
}
