using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.EndToEnd;

/// <summary>
/// Protocols beyond plain HTTP/1 through standalone `pixie` (a separate process tracing with eBPF) and its query
/// API: real Debian servers and clients, rows read back with PxL.
/// </summary>
[TestFixture]
[Category("Ebpf")]
[NonParallelizable]
public partial class ProtocolTracingEndToEndTests
{
    private PixieProcess? _pixie;
    private DirectoryInfo? _dir;

    [OneTimeSetUp]
    public void StartPixie()
    {
        var problems = EbpfPreflight.Check();
        if (problems.Count > 0)
        {
            Assert.Ignore("eBPF is not available here: " + string.Join("; ", problems));
        }

        _dir = Directory.CreateTempSubdirectory("px-e2e-proto-");
        _pixie = PixieProcess.Start(true);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _pixie?.Dispose();
        _dir?.Delete(recursive: true);
    }

    [Test]
    public void CurlHttps_AgainstPythonTlsServer_HttpEventsRowsAreMarkedEncrypted()
    {
        string tag = Guid.NewGuid().ToString("N")[..8];
        using var server = TlsHttpServer.Start(_dir!.FullName);
        ChildProcess.Run("curl", ["-sk", "--http1.1", $"https://127.0.0.1:{server.Port}/{tag}/tls"], TimeSpan.FromSeconds(20)).Code.Should().Be(0);

        var rows = WaitFor($"import px\ndf = px.DataFrame(table='http_events', start_time='-5m')\ndf = df[px.contains(df.req_path, '{tag}')]\npx.display(df, 'x')\n",
            r => r.Count >= 2);
        rows.Should().HaveCount(2, "curl's side and the server's side");
        rows.Should().OnlyContain(r => r.GetProperty("encrypted").GetBoolean());
        rows.Should().OnlyContain(r => r.GetProperty("resp_status").GetInt64() == 200 && r.GetProperty("resp_body").GetString() == "tls-ok");
        rows.Select(r => r.GetProperty("trace_role").GetInt64()).Should().BeEquivalentTo([1L, 2L]);

        var conns = WaitFor($"import px\ndf = px.DataFrame(table='conn_stats', start_time='-5m')\ndf = df[df.remote_port == {server.Port}]\npx.display(df, 'c')\n",
            r => r.Any(x => x.GetProperty("ssl").GetBoolean()));
        conns.Should().Contain(r => r.GetProperty("ssl").GetBoolean() && r.GetProperty("protocol").GetInt64() == 1);
    }

    [Test]
    public void NetworkStats_HostNamespace_HasRowsWithTraffic()
    {
        var rows = WaitFor("import px\ndf = px.DataFrame(table='network_stats', start_time='-5m')\npx.display(df, 'n')\n", r => r.Count > 0);
        rows.Should().OnlyContain(r => r.GetProperty("rx_bytes").GetInt64() >= 0 && r.GetProperty("tx_packets").GetInt64() >= 0);
    }

    private List<JsonElement> WaitFor(string pxl, Func<List<JsonElement>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<JsonElement> rows;
        do
        {
            rows = _pixie!.Query(pxl);
            if (done(rows))
            {
                return rows;
            }

            Thread.Sleep(500);
        }
        while (DateTime.UtcNow < deadline);
        return rows;
    }
}

/// <summary>A Python http.server behind ssl (libssl.so.3) with a fresh self-signed certificate; answers "tls-ok".</summary>
public sealed class TlsHttpServer : IDisposable
{
    private readonly ChildProcess _process;

    private TlsHttpServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Pid;

    public static TlsHttpServer Start(string dir)
    {
        string cert = Path.Combine(dir, "cert.pem"), key = Path.Combine(dir, "key.pem");
        if (!File.Exists(cert))
        {
            var (code, output) = ChildProcess.Run("openssl",
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"],
                TimeSpan.FromSeconds(30));
            code.Should().Be(0, output);
        }

        int port = ChildProcess.FreePort();
        string script = string.Join('\n',
            "import http.server, ssl",
            "class H(http.server.BaseHTTPRequestHandler):",
            "    def do_GET(self):",
            "        body = b'tls-ok'",
            "        self.send_response(200); self.send_header('Content-Type', 'text/plain'); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)",
            "    def log_message(self, *a): pass",
            $"srv = http.server.HTTPServer(('127.0.0.1', {port}), H)",
            "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
            $"ctx.load_cert_chain('{cert}', '{key}')",
            "srv.socket = ctx.wrap_socket(srv.socket, server_side=True)",
            "print('ready', flush=True)",
            "srv.serve_forever()");
        var process = ChildProcess.Start("python3", ["-c", script]);
        process.WaitFor("ready", TimeSpan.FromSeconds(10));
        return new TlsHttpServer(process, port);
    }

    public void Dispose() => _process.Dispose();
}
