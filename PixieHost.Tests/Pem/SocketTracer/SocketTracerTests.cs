using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.SocketTracer;

[TestFixture]
public partial class SocketTracerTests
{
    private const string CurlGet = "GET /a HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
    private const string NginxOk = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";

    private TableStore _store = null!;
    private FakeTracerEnvironment _env = null!;
    private Tracer _tracer = null!;
    private SocketEventBuilder _conn = null!;

    [SetUp]
    public void SetUp()
    {
        _store = new TableStore();
        _env = new FakeTracerEnvironment();
        _tracer = new Tracer(new SocketTracerOptions { Asid = 3 }, _store, _env);
        _conn = new SocketEventBuilder(_tracer);
    }

    [TearDown]
    public void TearDown() => _tracer.Dispose();

    [Test]
    public void OnBatchEnd_KeepAliveServer_WritesEveryColumn()
    {
        _conn.Open(TraceRole.Server, "10.0.0.1:80", "10.0.0.2:51000");
        var reqTs = _conn.Now;
        _conn.Recv(CurlGet);
        var respTs = _conn.Now;
        _conn.Send(NginxOk).Recv(CurlGet.Replace("/a", "/b")).Send(NginxOk).EndBatch();

        var rows = Rows();

        rows.Should().HaveCount(2);
        var r = rows[0];
        r["time_"].Should().Be((long)reqTs + _env.OffsetNs);
        r["upid"].Should().Be(new Upid(3, _conn.Conn.Tgid, _env.StartTicks).Value);
        r["remote_addr"].Should().Be("10.0.0.2");
        r["remote_port"].Should().Be(51000L);
        r["local_addr"].Should().Be("10.0.0.1");
        r["local_port"].Should().Be(80L);
        r["trace_role"].Should().Be(2L);
        r["encrypted"].Should().Be(false);
        r["major_version"].Should().Be(1L);
        r["minor_version"].Should().Be(1L);
        r["content_type"].Should().Be(0L);
        r["req_headers"].Should().Be("{\"Accept\":\"*/*\",\"Host\":\"example.com\",\"User-Agent\":\"curl/7.88.1\"}");
        r["req_method"].Should().Be("GET");
        r["req_path"].Should().Be("/a");
        r["req_body"].Should().Be("");
        r["req_body_size"].Should().Be(0L);
        r["resp_headers"].Should().Be("{\"Content-Length\":\"5\",\"Content-Type\":\"text/plain\",\"Server\":\"nginx\"}");
        r["resp_status"].Should().Be(200L);
        r["resp_message"].Should().Be("OK");
        r["resp_body"].Should().Be("hello");
        r["resp_body_size"].Should().Be(5L);
        r["latency"].Should().Be((long)(respTs - reqTs));
        rows[1]["req_path"].Should().Be("/b");
    }

    [Test]
    public void OnControl_OpenCarriesKernelStartTime_UpidUsesItNotProc()
    {
        _conn.Open(TraceRole.Server, "10.0.0.1:80", "10.0.0.2:51000", startTicks: 777_000);
        _conn.Recv(CurlGet).Send(NginxOk).EndBatch();

        var rows = Rows();

        rows.Should().ContainSingle();
        rows[0]["upid"].Should().Be(new Upid(3, _conn.Conn.Tgid, 777_000).Value, "the kernel's start time wins over /proc ({0})", _env.StartTicks);
    }

    [Test]
    public void Flush_BatchColumns_FollowHttpEventsSchemaExactly()
    {
        _conn.Open().Recv(CurlGet).Send(NginxOk).EndBatch();

        _tracer.Flush().Should().Be(1);

        var table = _store.Find("http_events")!;
        var stored = table.Snapshot().Single().Batch;
        stored.Schema.Columns.Select(c => (c.Name, c.Type)).Should()
            .Equal(PemSchemas.HttpEvents.Columns.Select(c => (c.Name, c.Type)));
        stored.Columns.Select(c => c.Type).Should().Equal(PemSchemas.HttpEvents.Columns.Select(c => c.Type));
    }

    [Test]
    public void OnBatchEnd_PipelinedRequestsResponsesSplitMidHeader_PairsInOrder()
    {
        var responses = Response(200, "one") + Response(404, "two") + Response(500, "three");
        var cut = responses.IndexOf("Content-Length", responses.IndexOf("404", StringComparison.Ordinal), StringComparison.Ordinal) + 4;

        _conn.Open()
            .Recv(CurlGet.Replace("/a", "/1") + CurlGet.Replace("/a", "/2") + CurlGet.Replace("/a", "/3"))
            .Send(responses[..cut]).EndBatch()
            .Send(responses[cut..]).EndBatch();

        var rows = Rows();
        rows.Select(r => ((string)r["req_path"]!, (long)r["resp_status"]!, (string)r["resp_body"]!))
            .Should().Equal(("/1", 200L, "one"), ("/2", 404L, "two"), ("/3", 500L, "three"));
    }

    [Test]
    public void OnBatchEnd_ChunkedRequestAndResponse_DecodedBodies()
    {
        _conn.Open()
            .Recv("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n")
            .Send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{\"ok\":1\r\n1\r\n}\r\n0\r\nX-T: 1\r\n\r\n")
            .EndBatch();

        var r = Rows().Single();
        r["req_body"].Should().Be("Wikipedia");
        r["req_body_size"].Should().Be(9L);
        r["resp_body"].Should().Be("{\"ok\":1}");
        r["content_type"].Should().Be(1L);
    }

    [Test]
    public void OnBatchEnd_BodyBeyondKernelCopyLimit_RightSizeAndTruncatedBody()
    {
        var body = new string('q', 100_000);
        _conn.Open()
            .Recv($"POST /big HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}", copyLimit: 16384)
            .Send(Response(200, "done"))
            .EndBatch();

        var r = Rows().Single();
        r["req_body_size"].Should().Be(100_000L);
        r["req_body"].Should().Be(new string('q', 512) + "... [TRUNCATED]");
        r["resp_body"].Should().Be("done");
        _tracer.GetStats().GapBytes.Should().BeGreaterThan(80_000);
    }

    [Test]
    public void OnBatchEnd_100Continue_FinalResponseAnswersRequest()
    {
        _conn.Open()
            .Recv("POST /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n").EndBatch()
            .Send("HTTP/1.1 100 Continue\r\n\r\n").EndBatch()
            .Recv("data").Send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n").EndBatch();

        var r = Rows().Single();
        r["resp_status"].Should().Be(201L);
        r["req_body"].Should().Be("data");
        _tracer.GetStats().InformationalResponses.Should().Be(1);
    }

    [Test]
    public void OnBatchEnd_HeadResponseWithContentLength_HasNoBodyNextResponseParses()
    {
        _conn.Open()
            .Recv("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n")
            .Send("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1234\r\n\r\n")
            .Recv(CurlGet).Send(NginxOk)
            .EndBatch();

        var rows = Rows();
        rows.Select(r => ((string)r["req_method"]!, (long)r["resp_body_size"]!, (string)r["resp_body"]!))
            .Should().Equal(("HEAD", 0L, ""), ("GET", 5L, "hello"));
    }

    [TestCase("HTTP/1.1 204 No Content\r\n\r\n", 204, "No Content")]
    [TestCase("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nnot found", 404, "Not Found")]
    [TestCase("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 304, "Not Modified")]
    public void OnBatchEnd_StatusWithOrWithoutBody_RecordsStatus(string response, int status, string message)
    {
        _conn.Open().Recv(CurlGet).Send(response).Recv(CurlGet).Send(NginxOk).EndBatch();

        var rows = Rows();
        rows.Should().HaveCount(2, "the next response on the connection must still parse");
        rows[0]["resp_status"].Should().Be((long)status);
        rows[0]["resp_message"].Should().Be(message);
    }

    [Test]
    public void OnBatchEnd_JsonPostOver512_TruncatedWithSizeBeforeTruncation()
    {
        var json = "{\"items\":[" + string.Join(",", Enumerable.Range(0, 200).Select(i => i.ToString())) + "]}";
        _conn.Open()
            .Recv($"POST /api HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n{json}")
            .Send(Response(200, "{\"ok\":true}", "application/json"))
            .EndBatch();

        var r = Rows().Single();
        r["req_body"].Should().Be(json[..512] + "... [TRUNCATED]");
        r["req_body_size"].Should().Be((long)json.Length);
        r["resp_body"].Should().Be("{\"ok\":true}");
        r["content_type"].Should().Be(1L);
    }

    [Test]
    public void OnBatchEnd_NonTextResponse_BodyReplacedSizeKept()
    {
        _conn.Open().Recv(CurlGet).Send(Response(200, "PNGDATA!", "image/png")).EndBatch();

        var r = Rows().Single();
        r["resp_body"].Should().Be("<removed: non-text content-type>");
        r["resp_body_size"].Should().Be(8L);
    }

    private List<Dictionary<string, object?>> Rows()
    {
        _tracer.Flush();
        return TableRows.Read(_store.Find("http_events"));
    }

    private static string Response(int status, string body, string contentType = "text/plain") =>
        $"HTTP/1.1 {status} S{status}\r\nContent-Type: {contentType}\r\nContent-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
}
