using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Ebpf;

/// <summary>
/// Protocol inference in the kernel program (protocol_infer.h) on the real kernel: Redis and DNS from their real
/// servers and clients, the other protocols from their first bytes on in-process sockets, UDP that is not DNS, and
/// the switch to TLS that stops the copying of ciphertext.
/// </summary>
[TestFixture]
[Category("Ebpf")]
[NonParallelizable]
public sealed class ProtocolInferenceProbeTests
{
    private static readonly uint OwnPid = (uint)Environment.ProcessId;
    private SocketTraceProbe? _probe;

    [OneTimeSetUp]
    public void Attach()
    {
        var problems = EbpfPreflight.Check();
        if (problems.Count > 0)
        {
            Assert.Ignore("eBPF unavailable: " + string.Join("; ", problems));
        }

        _probe = SocketTraceProbe.Open(new SocketTraceProbeOptions { AgentTgid = 0, RingBufferBytes = 8 << 20 });
        _probe.Attach();
        _tlsLibraries = TlsLibraryLocator.Find([]);
        foreach (var lib in _tlsLibraries)
        {
            _probe.AttachTls(lib);
        }
    }

    private List<string> _tlsLibraries = [];

    [OneTimeTearDown]
    public void Detach() => _probe?.Dispose();

    [Test]
    public void Poll_RedisCliAgainstRedisServer_MarksBothSidesRedis()
    {
        var dir = Directory.CreateTempSubdirectory("px-redis-");
        int port = ChildProcess.FreePort();
        using var server = ChildProcess.Start("redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.FullName]);
        server.WaitFor("Ready to accept connections", TimeSpan.FromSeconds(10));
        var sink = Drained();

        var cli = RunToEnd("redis-cli", "-h", "127.0.0.1", "-p", port.ToString(), "SET", "px-key", "px-value");

        PollUntil(sink, () => sink.Closes((uint)cli).Any() && sink.DataOf((uint)server.Pid).Any(d => d.Event.Direction == TrafficDirection.Send));
        var client = sink.Opens((uint)cli).Single(o => o.Remote.Port == port);
        var sent = sink.DataOf(client.Hdr.Conn).Where(d => d.Event.Direction == TrafficDirection.Send).ToList();
        sent.Should().NotBeEmpty().And.OnlyContain(d => d.Event.Protocol == TrafficProtocol.Redis);
        string.Concat(sent.Select(d => d.Text)).Should().Contain("$3\r\nSET\r\n$6\r\npx-key\r\n");
        sink.DataOf(client.Hdr.Conn).Should().Contain(d => d.Event.Direction == TrafficDirection.Recv && d.Text == "+OK\r\n");
        sink.DataOf((uint)server.Pid).Should().Contain(d => d.Event.Protocol == TrafficProtocol.Redis && d.Text.Contains("px-key"));
        dir.Delete(recursive: true);
    }

    [Test]
    public void Poll_DigAgainstDnsmasqOverUdp_OpensDatagramConnectionsWithPeers()
    {
        int port = ChildProcess.FreePort();
        using var server = ChildProcess.Start("dnsmasq",
        [
            "--no-daemon", "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
            "--address=/px-infer.test/10.1.2.3", "--log-facility=-", "--pid-file=",
        ]);
        server.WaitFor("started", TimeSpan.FromSeconds(10));
        var sink = Drained();

        var dig = Process.Start(new ProcessStartInfo("dig", ["@127.0.0.1", "-p", port.ToString(), "px-infer.test", "A", "+short", "+tries=1"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        string answer = dig.StandardOutput.ReadToEnd();
        dig.WaitForExit(10_000).Should().BeTrue();
        answer.Trim().Should().Be("10.1.2.3");

        PollUntil(sink, () => sink.DataOf((uint)dig.Id).Count() >= 2 && sink.DataOf((uint)server.Pid).Count() >= 2);
        var digOpen = sink.Opens((uint)dig.Id).Should().ContainSingle(o => o.SockType == 2).Subject;
        digOpen.Remote.Port.Should().Be((ushort)port);
        sink.DataOf(digOpen.Hdr.Conn).Should().OnlyContain(d => d.Event.Protocol == TrafficProtocol.Dns)
            .And.Contain(d => d.Event.Direction == TrafficDirection.Send)
            .And.Contain(d => d.Event.Direction == TrafficDirection.Recv);
        var serverOpen = sink.Opens((uint)server.Pid).Should().ContainSingle(o => o.SockType == 2).Subject;
        serverOpen.Local.Port.Should().Be((ushort)port);
        serverOpen.Remote.Port.Should().Be(digOpen.Local.Port, "an unconnected server socket's peer comes from recvmsg's msg_name");
        serverOpen.Remote.AddressString().Should().Be("127.0.0.1");
        sink.DataOf(serverOpen.Hdr.Conn).Should().Contain(d => d.Event.Direction == TrafficDirection.Recv && d.Event.Protocol == TrafficProtocol.Dns);
    }

    [Test]
    public void Poll_UdpDatagramsThatAreNotDns_AreNeitherOpenedNorCopied()
    {
        var sink = Drained();
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new UdpClient();
        var target = (IPEndPoint)receiver.Client.LocalEndPoint!;
        var payload = new byte[40];
        payload.AsSpan().Fill(0xab);
        for (int i = 0; i < 5; i++)
        {
            sender.Send(payload, target);
            IPEndPoint? from = null;
            receiver.Receive(ref from);
        }

        int senderFd = (int)sender.Client.SafeHandle.DangerousGetHandle();
        int receiverFd = (int)receiver.Client.SafeHandle.DangerousGetHandle();
        sender.Close();
        receiver.Close();
        PollFor(sink, TimeSpan.FromMilliseconds(500));

        sink.Controls.Should().NotContain(c => c.Hdr.Conn.Tgid == OwnPid && (c.Hdr.Conn.Fd == senderFd || c.Hdr.Conn.Fd == receiverFd));
        sink.DataOf(OwnPid).Should().NotContain(d => d.Event.Hdr.Conn.Fd == senderFd || d.Event.Hdr.Conn.Fd == receiverFd);
    }

    private static readonly byte[] PgsqlStartup =
    [
        0, 0, 0, 41, 0, 3, 0, 0, (byte)'u', (byte)'s', (byte)'e', (byte)'r', 0, (byte)'p', (byte)'x', 0,
        (byte)'d', (byte)'a', (byte)'t', (byte)'a', (byte)'b', (byte)'a', (byte)'s', (byte)'e', 0, (byte)'p', (byte)'x', 0,
        (byte)'a', (byte)'p', (byte)'p', 0, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 0, 0, 0,
    ];

    [TestCase("pgsql", TrafficProtocol.Pgsql)]
    [TestCase("mysql", TrafficProtocol.Mysql)]
    [TestCase("http2", TrafficProtocol.Http2)]
    [TestCase("redis", TrafficProtocol.Redis)]
    [TestCase("dns-tcp", TrafficProtocol.Unknown)]
    public void Poll_FirstBytesOfAProtocol_MarkTheConnection(string kind, TrafficProtocol expected)
    {
        byte[] first = kind switch
        {
            "pgsql" => PgsqlStartup,
            "mysql" => [20, 0, 0, 0, 0x03, .. "SELECT 1 FROM dual"u8, 0],
            "http2" => [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0],
            "redis" => [.. "*1\r\n$4\r\nPING\r\n"u8],
            // A DNS query over TCP is recognised on port 53 only: on another port it stays unknown.
            _ => [0, 29, 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, (byte)'p', (byte)'x', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 1, 0, 1, 0, 0, 0, 0],
        };
        var (sink, clientFd, _) = ExchangeOnLoopback([first, [0x33, 0x44, 0x55]]);

        var open = sink.Opens(OwnPid).Last(c => c.Hdr.Conn.Fd == clientFd && c.Hdr.Role == TraceRole.Client);
        var data = sink.DataOf(open.Hdr.Conn).ToList();
        if (expected == TrafficProtocol.Unknown)
        {
            data.Should().BeEmpty();
            return;
        }

        data.Should().HaveCount(2).And.OnlyContain(d => d.Event.Protocol == expected);
        data[0].Payload.Should().Equal(first);
        data[1].Event.Position.Should().Be((ulong)first.Length);
    }

    [Test]
    public void Poll_TlsHandshakeAfterPlaintextStart_StopsCopyingButKeepsCounting()
    {
        // PostgreSQL's SSLRequest, then a TLS ClientHello (STARTTLS): the request is copied, the records are not.
        byte[] sslRequest = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
        byte[] hello = [22, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0, 0];
        byte[] appData = [23, 3, 3, 0, 3, 9, 9, 9];
        var (sink, clientFd, sent) = ExchangeOnLoopback([sslRequest, hello, appData]);

        var open = sink.Opens(OwnPid).Last(c => c.Hdr.Conn.Fd == clientFd && c.Hdr.Role == TraceRole.Client);
        var data = sink.DataOf(open.Hdr.Conn).ToList();
        data.Should().ContainSingle().Which.Payload.Should().Equal(sslRequest);
        data[0].Event.Protocol.Should().Be(TrafficProtocol.Pgsql);
        sink.Closes(OwnPid).Single(c => c.Hdr.Conn.Equals(open.Hdr.Conn)).BytesSent.Should().Be((ulong)sent);
    }

    [Test]
    public void Poll_TlsFromTheFirstByte_CopiesNothing()
    {
        byte[] hello = [22, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0, 0];
        var (sink, clientFd, sent) = ExchangeOnLoopback([hello, [.. "GET / HTTP/1.1\r\n\r\n"u8]]);

        var open = sink.Opens(OwnPid).Last(c => c.Hdr.Conn.Fd == clientFd && c.Hdr.Role == TraceRole.Client);
        sink.DataOf(open.Hdr.Conn).Should().BeEmpty("once the bytes are TLS records the syscall data is ciphertext");
        sink.Closes(OwnPid).Single(c => c.Hdr.Conn.Equals(open.Hdr.Conn)).BytesSent.Should().Be((ulong)sent);
    }

    [Test]
    public void Poll_CurlHttpsAgainstPythonTlsServer_PlaintextFromLibsslMarkedSsl()
    {
        if (_tlsLibraries.Count == 0)
        {
            Assert.Ignore("no libssl.so.3 on this machine");
        }

        var dir = Directory.CreateTempSubdirectory("px-tls-");
        string cert = Path.Combine(dir.FullName, "cert.pem"), key = Path.Combine(dir.FullName, "key.pem");
        ChildProcess.Run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"],
            TimeSpan.FromSeconds(30)).Code.Should().Be(0);
        int port = ChildProcess.FreePort();
        string script = string.Join('\n',
            "import http.server, ssl",
            "class H(http.server.BaseHTTPRequestHandler):",
            "    def do_GET(self):",
            "        body = b'tls-ok'",
            "        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)",
            "    def log_message(self, *a): pass",
            $"srv = http.server.HTTPServer(('127.0.0.1', {port}), H)",
            "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
            $"ctx.load_cert_chain('{cert}', '{key}')",
            "srv.socket = ctx.wrap_socket(srv.socket, server_side=True)",
            "print('ready', flush=True)",
            "srv.serve_forever()");
        using var server = ChildProcess.Start("python3", ["-c", script]);
        server.WaitFor("ready", TimeSpan.FromSeconds(10));
        var sink = Drained();

        int curl = RunToEnd("curl", "-sk", "--http1.1", $"https://127.0.0.1:{port}/secret-path");

        PollUntil(sink, () => sink.Closes((uint)curl).Any() && sink.DataOf((uint)server.Pid).Any(d => d.Event.Direction == TrafficDirection.Send));
        var client = sink.Opens((uint)curl).Single(o => o.Remote.Port == port);
        var data = sink.DataOf(client.Hdr.Conn).ToList();
        data.Should().NotBeEmpty().And.OnlyContain(d => (d.Event.Flags & DataEventFlags.Ssl) != 0, "no ciphertext is copied");
        data.Should().OnlyContain(d => d.Event.Protocol == TrafficProtocol.Http);
        var sent = data.Where(d => d.Event.Direction == TrafficDirection.Send).ToList();
        sent[0].Text.Should().StartWith("GET /secret-path HTTP/1.1\r\n");
        sent[0].Event.Position.Should().Be(0);
        string.Concat(data.Where(d => d.Event.Direction == TrafficDirection.Recv).Select(d => d.Text)).Should().StartWith("HTTP/1.0 200").And.EndWith("tls-ok");
        sink.DataOf((uint)server.Pid).Should().Contain(d => d.Event.Direction == TrafficDirection.Recv && d.Text.StartsWith("GET /secret-path", StringComparison.Ordinal)
            && (d.Event.Flags & DataEventFlags.Ssl) != 0);
        dir.Delete(recursive: true);
    }

    /// <summary>Sends each chunk from a loopback client (one write each, read fully by the server); returns the events.</summary>
    private (RecordingSink Sink, int ClientFd, long Sent) ExchangeOnLoopback(byte[][] chunks)
    {
        var sink = Drained();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int clientFd;
        long sent = 0;
        using (var client = new TcpClient())
        {
            client.Connect((IPEndPoint)listener.LocalEndpoint);
            using var server = listener.AcceptTcpClient();
            clientFd = (int)client.Client.SafeHandle.DangerousGetHandle();
            foreach (var chunk in chunks)
            {
                client.GetStream().Write(chunk);
                server.GetStream().ReadExactly(new byte[chunk.Length]);
                sent += chunk.Length;
            }
        }

        listener.Stop();
        PollUntil(sink, () => sink.Closes(OwnPid).Any(c => c.Hdr.Conn.Fd == clientFd && c.Hdr.Role == TraceRole.Client));
        return (sink, clientFd, sent);
    }

    private RecordingSink Drained()
    {
        var discard = new RecordingSink();
        while (_probe!.Poll(0, discard) > 0)
        {
            discard.Controls.Clear();
            discard.Data.Clear();
        }

        return new RecordingSink();
    }

    private void PollUntil(RecordingSink sink, Func<bool> done)
    {
        var sw = Stopwatch.StartNew();
        while (!done() && sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            _probe!.Poll(20, sink);
        }
    }

    private void PollFor(RecordingSink sink, TimeSpan time)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < time)
        {
            _probe!.Poll(20, sink);
        }
    }

    private static int RunToEnd(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardOutput = true })!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit(10_000).Should().BeTrue($"{file} should finish");
        p.ExitCode.Should().Be(0, $"{file} should succeed");
        return p.Id;
    }
}
