using System.Net;
using System.Net.Sockets;
using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Tests.Support;

/// <summary>
/// A private dnsmasq (Debian's) answering only local records on a free loopback port (UDP and TCP), no upstream,
/// no system config; killed on dispose. Names: anything under example.test → 10.1.2.3, host.example.test →
/// 10.9.8.7, v6.example.test → fd00::1, alias.example.test → CNAME host.example.test, an MX and a TXT record.
/// </summary>
public sealed class DnsServer : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _dir;
    private readonly ChildProcess _process;

    private DnsServer(string dir, ChildProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static DnsServer Start()
    {
        var port = FreeUdpAndTcpPort();
        var dir = Directory.CreateTempSubdirectory("pixie-dnsmasq-").FullName;
        var p = ChildProcess.Start("dnsmasq",
        [
            "--no-daemon", "--conf-file=/dev/null", $"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces",
            "--no-resolv", "--no-hosts", "--no-poll", "--log-facility=-", $"--pid-file={dir}/dnsmasq.pid",
            "--address=/example.test/10.1.2.3", "--host-record=host.example.test,10.9.8.7", "--host-record=v6.example.test,fd00::1",
            "--cname=alias.example.test,host.example.test", "--mx-host=mx.example.test,mail.example.test,10",
            "--txt-record=txt.example.test,\"hello dns\"",
        ], dir);
        var server = new DnsServer(dir, p, port);
        try
        {
            p.WaitFor("started", Timeout);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>Runs <c>dig @127.0.0.1 -p port args…</c>; returns its output.</summary>
    public static string Dig(int port, params string[] args)
    {
        var (code, output) = ChildProcess.Run("dig", ["@127.0.0.1", "-p", port.ToString(), "+tries=1", "+time=3", .. args], Timeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"dig {string.Join(' ', args)} exited {code}: {output}");
        }

        return output;
    }

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreeUdpAndTcpPort()
    {
        for (var i = 0; i < 50; i++)
        {
            var port = ChildProcess.FreePort();
            try
            {
                using var u = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no loopback port free for both UDP and TCP");
    }
}

/// <summary>
/// A loopback UDP relay in front of a DNS server that records every datagram in both directions, with its time:
/// one <see cref="RecordedConnection"/> per client address (the client's socket). <see cref="ReplayDatagrams"/>
/// feeds one into a socket tracer as a UDP socket (datagram events), the way the kernel probes report them.
/// </summary>
public sealed class RecordingUdpRelay : IAsyncDisposable
{
    private readonly UdpClient _listen = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<IPEndPoint, (UdpClient Up, RecordedConnection Rec)> _clients = [];
    private readonly List<Task> _tasks = [];

    public RecordingUdpRelay(int upstreamPort)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstreamPort);
        _tasks.Add(ListenLoop());
    }

    public int Port => ((IPEndPoint)_listen.Client.LocalEndPoint!).Port;

    /// <summary>Client sockets seen so far, in order.</summary>
    public IReadOnlyList<RecordedConnection> Connections
    {
        get
        {
            lock (_clients)
            {
                return [.. _clients.Values.Select(v => v.Rec)];
            }
        }
    }

    /// <summary>
    /// Feeds <paramref name="conn"/> into <paramref name="sink"/> as a UDP socket of the process on <paramref name="side"/>:
    /// an open event with socket type 2, one data event per datagram, a batch end after each, then a close.
    /// </summary>
    public static SocketEventBuilder ReplayDatagrams(RecordedConnection conn, ISocketEventSink sink, TraceRole side, int fd = 9)
    {
        var b = new SocketEventBuilder(sink, 4321, fd) { Protocol = TrafficProtocol.Dns, SockType = 2 };
        var chunks = conn.Chunks;
        b.At(chunks.Count > 0 ? chunks[0].TimestampNs : 1_000_000_000);
        var local = side == TraceRole.Client ? conn.Client : conn.Server;
        var remote = side == TraceRole.Client ? conn.Server : conn.Client;
        b.Open(side, local.ToString(), remote.ToString());
        foreach (var c in chunks)
        {
            b.At(Math.Max(b.Now, c.TimestampNs));
            var sent = c.FromClient == (side == TraceRole.Client);
            b.Data(sent ? TrafficDirection.Send : TrafficDirection.Recv, c.Bytes);
            b.EndBatch();
        }

        b.Close().EndBatch();
        return b;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listen.Dispose();
        lock (_clients)
        {
            foreach (var (up, _) in _clients.Values)
            {
                up.Dispose();
            }
        }

        try
        {
            await Task.WhenAll(_tasks);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task ListenLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var r = await _listen.ReceiveAsync(_stop.Token);
            (UdpClient Up, RecordedConnection Rec) entry;
            lock (_clients)
            {
                if (!_clients.TryGetValue(r.RemoteEndPoint, out entry))
                {
                    var up = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                    up.Connect(_upstream);
                    entry = (up, new RecordedConnection(r.RemoteEndPoint, _upstream));
                    _clients[r.RemoteEndPoint] = entry;
                    _tasks.Add(UpstreamLoop(up, r.RemoteEndPoint, entry.Rec));
                }
            }

            entry.Rec.Add(fromClient: true, r.Buffer);
            await entry.Up.SendAsync(r.Buffer, _stop.Token);
        }
    }

    private async Task UpstreamLoop(UdpClient up, IPEndPoint client, RecordedConnection rec)
    {
        while (!_stop.IsCancellationRequested)
        {
            var r = await up.ReceiveAsync(_stop.Token);
            rec.Add(fromClient: false, r.Buffer);
            await _listen.SendAsync(r.Buffer, client, _stop.Token);
        }
    }
}
