using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.EndToEnd;

/// <summary>
/// The core loop on the real kernel: a Python HTTP server (separate process) serves curl and HttpClient;
/// `pixie serve` (separate process) traces it with eBPF; `pixie run` reads the http_events rows back.
/// </summary>
[TestFixture]
[Category("Ebpf")]
[NonParallelizable]
public class HttpTracingEndToEndTests
{
    private ChildProcess? _server;
    private PixieProcess? _pixie;
    private int _port;
    private TcpClient? _preexisting;
    private string _tag = "";

    [OneTimeSetUp]
    public void StartServerAndPixie()
    {
        var problems = EbpfPreflight.Check();
        if (problems.Count > 0)
        {
            Assert.Ignore("eBPF is not available here: " + string.Join("; ", problems));
        }

        _tag = Guid.NewGuid().ToString("N")[..8];
        _server = ChildProcess.Start("python3", [System.IO.Path.Combine(AppContext.BaseDirectory, "Support", "http_test_server.py")]);
        _server.WaitFor("READY", TimeSpan.FromSeconds(20));
        _port = int.Parse(_server.Output.Split("READY ")[1].Trim().Split('\n')[0]);

        // A keep-alive connection that exists, and has carried a request, before pixie starts.
        _preexisting = new TcpClient("127.0.0.1", _port);
        RawExchange(_preexisting, $"GET /{_tag}/before-start HTTP/1.1\r\nHost: x\r\n\r\n", 1);

        _pixie = PixieProcess.Start(true);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _preexisting?.Dispose();
        _pixie?.Dispose();
        _server?.Dispose();
    }

    [Test]
    public void Curl_KeepAliveGetsAnd404_AreRecordedOnBothSides()
    {
        Curl($"http://127.0.0.1:{_port}/{_tag}/ka-1", $"http://127.0.0.1:{_port}/{_tag}/ka-2", $"http://127.0.0.1:{_port}/missing/{_tag}");

        var rows = WaitForRows(_tag, r => Path(r) == $"/{_tag}/ka-2" || Path(r) == $"/missing/{_tag}", 4);
        var server = rows.Where(r => r.GetProperty("trace_role").GetInt64() == 2).ToList();
        var ka1 = server.Single(r => Path(r) == $"/{_tag}/ka-1");
        ka1.GetProperty("req_method").GetString().Should().Be("GET");
        ka1.GetProperty("resp_status").GetInt64().Should().Be(200);
        ka1.GetProperty("resp_message").GetString().Should().Be("OK");
        ka1.GetProperty("latency").GetInt64().Should().BeGreaterThan(0);
        ka1.GetProperty("resp_body_size").GetInt64().Should().Be(Encoding.UTF8.GetByteCount($"{{\"path\": \"/{_tag}/ka-1\"}}"));
        ka1.GetProperty("resp_body").GetString().Should().Contain($"/{_tag}/ka-1");
        ka1.GetProperty("local_port").GetInt64().Should().Be(_port);
        ka1.GetProperty("remote_addr").GetString().Should().Be("127.0.0.1");
        ka1.GetProperty("major_version").GetInt64().Should().Be(1);
        ka1.GetProperty("minor_version").GetInt64().Should().Be(1);
        ka1.GetProperty("req_headers").GetString().Should().Contain("curl/");
        UpidPid(ka1).Should().Be(_server!.Pid, "the server row belongs to the Python process");
        server.Single(r => Path(r) == $"/missing/{_tag}").GetProperty("resp_status").GetInt64().Should().Be(404);

        var client = rows.Where(r => r.GetProperty("trace_role").GetInt64() == 1 && Path(r) == $"/{_tag}/ka-2").ToList();
        client.Should().ContainSingle("curl's side of the same request is traced as the client");
        client[0].GetProperty("remote_port").GetInt64().Should().Be(_port);
        UpidStartTicks(client[0]).Should().BeGreaterThanOrEqualTo(
            new PixieHost.Modules.Pem.ProcessStats.ProcFs().StartTimeTicks(_pixie!.Pid)!.Value,
            "curl started after pixie; its start time comes from the kernel although curl has exited");
    }

    [Test]
    public async Task HttpClient_PostJsonChunkedAndLargeBodies_RecordSizesAndBodies()
    {
        using var http = new HttpClient();
        var json = "{\"name\":\"pixie\",\"items\":[1,2,3]}";
        (await http.PostAsync($"http://127.0.0.1:{_port}/{_tag}/post-json", new StringContent(json, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var chunked = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(new string('c', 3000))));
        chunked.Headers.ContentType = new("text/plain");
        var req = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_port}/{_tag}/post-chunked") { Content = chunked };
        req.Headers.TransferEncodingChunked = true;
        (await http.SendAsync(req)).EnsureSuccessStatusCode();

        var big = new string('b', 100_000);
        (await http.PostAsync($"http://127.0.0.1:{_port}/{_tag}/post-large", new StringContent(big, Encoding.ASCII, "text/plain"))).EnsureSuccessStatusCode();
        (await http.GetByteArrayAsync($"http://127.0.0.1:{_port}/large/{_tag}")).Length.Should().Be(200_000);
        (await http.GetStringAsync($"http://127.0.0.1:{_port}/chunked/{_tag}")).Should().Be("hello chunked world");

        var rows = WaitForRows(_tag, r => Path(r) == $"/chunked/{_tag}" && Role(r) == 2, 1)
            .Where(r => Role(r) == 2).ToList();
        var post = rows.Single(r => Path(r) == $"/{_tag}/post-json");
        post.GetProperty("req_method").GetString().Should().Be("POST");
        post.GetProperty("resp_status").GetInt64().Should().Be(201);
        post.GetProperty("req_body").GetString().Should().Be(json);
        post.GetProperty("req_body_size").GetInt64().Should().Be(json.Length);

        var ch = rows.Single(r => Path(r) == $"/{_tag}/post-chunked");
        ch.GetProperty("req_body_size").GetInt64().Should().Be(3000);
        ch.GetProperty("resp_body").GetString().Should().Contain("3000");

        var large = rows.Single(r => Path(r) == $"/{_tag}/post-large");
        large.GetProperty("req_body_size").GetInt64().Should().Be(100_000);
        large.GetProperty("req_body").GetString()!.Length.Should().BeLessThan(2048, "bodies are truncated as Pixie does");

        rows.Single(r => Path(r) == $"/large/{_tag}").GetProperty("resp_body_size").GetInt64().Should().Be(200_000);
        rows.Single(r => Path(r) == $"/chunked/{_tag}").GetProperty("resp_body").GetString().Should().Be("hello chunked world");
    }

    [Test]
    public void RawSocket_PipelinedRequests_AreStitchedInOrder()
    {
        using var c = new TcpClient("127.0.0.1", _port);
        var sb = new StringBuilder();
        for (var i = 0; i < 3; i++)
        {
            sb.Append($"GET /{_tag}/pipe-{i} HTTP/1.1\r\nHost: x\r\n\r\n");
        }

        sb.Append($"HEAD /{_tag}/pipe-head HTTP/1.1\r\nHost: x\r\n\r\n");
        RawExchange(c, sb.ToString(), 4);

        var rows = WaitForRows($"/{_tag}/pipe", r => Path(r) == $"/{_tag}/pipe-head" && Role(r) == 2, 1).Where(r => Role(r) == 2).ToList();
        rows.Select(Path).Should().Contain([$"/{_tag}/pipe-0", $"/{_tag}/pipe-1", $"/{_tag}/pipe-2", $"/{_tag}/pipe-head"]);
        foreach (var i in Enumerable.Range(0, 3))
        {
            var r = rows.Single(x => Path(x) == $"/{_tag}/pipe-{i}");
            r.GetProperty("resp_body").GetString().Should().Contain($"pipe-{i}", "each pipelined response is paired with its own request");
        }

        var head = rows.Single(x => Path(x) == $"/{_tag}/pipe-head");
        head.GetProperty("req_method").GetString().Should().Be("HEAD");
        head.GetProperty("resp_body_size").GetInt64().Should().Be(0);
    }

    [Test]
    public void PreexistingConnection_NewRequestsAfterStart_AreRecorded()
    {
        // The server thread was already blocked in read() when the probes attached: that read's entry was never
        // seen, so its data (the first request after start) cannot be captured on the server side. Every later
        // request on the same connection is.
        RawExchange(_preexisting!, $"GET /{_tag}/after-start-1 HTTP/1.1\r\nHost: x\r\n\r\n", 1);
        RawExchange(_preexisting!, $"GET /{_tag}/after-start-2 HTTP/1.1\r\nHost: x\r\n\r\n", 1);
        RawExchange(_preexisting!, $"GET /{_tag}/after-start-3 HTTP/1.1\r\nHost: x\r\n\r\n", 1);
        var rows = WaitForRows($"/{_tag}/after-start", r => Role(r) == 2 && Path(r).EndsWith("-3", StringComparison.Ordinal), 1);
        var server = rows.Where(r => Role(r) == 2).ToList();
        server.Select(Path).Should().Contain([$"/{_tag}/after-start-2", $"/{_tag}/after-start-3"]);
        server.Should().OnlyContain(r => r.GetProperty("resp_status").GetInt64() == 200);
        server.Should().OnlyContain(r => UpidPid(r) == _server!.Pid);
        var client = rows.Where(r => Role(r) == 1).Select(Path).ToList();
        client.Should().Contain([$"/{_tag}/after-start-1", $"/{_tag}/after-start-2", $"/{_tag}/after-start-3"],
            "the client side was not blocked in a syscall, so all three requests are seen there");
        var before = Query($"import px\ndf = px.DataFrame(table='http_events', start_time='-10m')\ndf = df[df.req_path == '/{_tag}/before-start']\npx.display(df, 'x')\n");
        before.Should().BeEmpty("the request made before pixie started was not seen");
    }

    private List<JsonElement> WaitForRows(string pathPart, Func<JsonElement, bool> done, int minDone)
    {
        var script = "import px\n" +
                     "df = px.DataFrame(table='http_events', start_time='-10m')\n" +
                     $"df = df[px.contains(df.req_path, '{pathPart}')]\n" +
                     "px.display(df, 'http')\n";
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<JsonElement> rows;
        do
        {
            rows = Query(script);
            if (rows.Count(done) >= minDone)
            {
                Thread.Sleep(500);
                return Query(script);
            }

            Thread.Sleep(300);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"no rows for '{pathPart}' after 20 s; got {rows.Count}: {string.Join("\n", rows.Take(10))}\npixie output:\n{_pixie!.Output}");
        return rows;
    }

    private List<JsonElement> Query(string pxl) => _pixie!.Query(pxl);

    private static string Path(JsonElement r) => r.GetProperty("req_path").GetString()!;

    private static long Role(JsonElement r) => r.GetProperty("trace_role").GetInt64();

    /// <summary>The pid inside the upid column, printed as 8-4-4-4-12 hex: asid (8 digits), pid (8), start ticks (16).</summary>
    private static int UpidPid(JsonElement r) => Convert.ToInt32(r.GetProperty("upid").GetString()!.Replace("-", "", StringComparison.Ordinal)[8..16], 16);

    private static ulong UpidStartTicks(JsonElement r) => Convert.ToUInt64(r.GetProperty("upid").GetString()!.Replace("-", "", StringComparison.Ordinal)[16..], 16);

    private static void Curl(params string[] urls)
    {
        var (code, output) = ChildProcess.Run("curl", ["-sS", "--http1.1", .. urls], TimeSpan.FromSeconds(20));
        code.Should().Be(0, output);
    }

    /// <summary>Writes the requests at once and reads until <paramref name="responses"/> status lines arrived and the socket went quiet.</summary>
    private static void RawExchange(TcpClient c, string requests, int responses)
    {
        var s = c.GetStream();
        s.Write(Encoding.ASCII.GetBytes(requests));
        var got = new StringBuilder();
        var buf = new byte[65536];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var enough = got.ToString().Split("HTTP/1.1 ").Length - 1 >= responses;
            s.ReadTimeout = enough ? 300 : 5000;
            int n;
            try
            {
                n = s.Read(buf);
            }
            catch (IOException) when (enough)
            {
                return;
            }

            if (n == 0)
            {
                return;
            }

            got.Append(Encoding.ASCII.GetString(buf, 0, n));
        }
    }
}
