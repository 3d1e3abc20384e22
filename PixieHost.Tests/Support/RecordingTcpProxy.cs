using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Tests.Support;

/// <summary>
/// A loopback TCP relay between a real client and a real server that records every chunk each side wrote, with
/// its time: the bytes a traced process would have moved through its syscalls. Tests point the client at
/// <see cref="Port"/>, run real traffic, then <see cref="RecordedConnection.Replay"/> a recorded connection into a socket tracer as
/// the client or the server would have seen it. Recordings can be saved as a corpus for the fuzz tests.
/// </summary>
public sealed class RecordingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<RecordedConnection> _connections = [];
    private readonly List<Task> _relays = [];
    private readonly Task _accept;

    public RecordingTcpProxy(int upstreamPort, string upstreamHost = "127.0.0.1")
    {
        _upstream = new IPEndPoint(IPAddress.Parse(upstreamHost), upstreamPort);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accept = AcceptLoop();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections seen so far, in accept order (a snapshot).</summary>
    public IReadOnlyList<RecordedConnection> Connections
    {
        get
        {
            lock (_connections)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>Waits until every connection accepted so far has closed on both sides.</summary>
    public async Task WaitIdleAsync(TimeSpan timeout)
    {
        Task[] relays;
        lock (_connections)
        {
            relays = [.. _relays];
        }

        await Task.WhenAll(relays).WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient();
            await server.ConnectAsync(_upstream, _stop.Token);
            client.NoDelay = server.NoDelay = true;
            var rec = new RecordedConnection((IPEndPoint)client.Client.RemoteEndPoint!, _upstream);
            lock (_connections)
            {
                _connections.Add(rec);
                _relays.Add(RelayAsync(client, server, rec));
            }
        }
    }

    private async Task RelayAsync(TcpClient client, TcpClient server, RecordedConnection rec)
    {
        using (client)
        using (server)
        {
            var up = Pump(client.GetStream(), server.GetStream(), rec, fromClient: true);
            var down = Pump(server.GetStream(), client.GetStream(), rec, fromClient: false);
            await Task.WhenAll(up, down);
        }

        rec.Closed = true;
    }

    private async Task Pump(NetworkStream from, NetworkStream to, RecordedConnection rec, bool fromClient)
    {
        var buf = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buf, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                rec.Add(fromClient, buf.AsSpan(0, n));
                await to.WriteAsync(buf.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            try
            {
                to.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}

/// <summary>One chunk a side wrote: <see cref="FromClient"/> tells the direction; <see cref="TimestampNs"/> is monotonic.</summary>
public sealed record RecordedChunk(bool FromClient, byte[] Bytes, ulong TimestampNs);

/// <summary>The chunks of one proxied connection in the order the proxy read them.</summary>
public sealed class RecordedConnection(IPEndPoint client, IPEndPoint server)
{
    private readonly List<RecordedChunk> _chunks = [];

    public IPEndPoint Client { get; } = client;

    public IPEndPoint Server { get; } = server;

    public bool Closed { get; internal set; }

    public IReadOnlyList<RecordedChunk> Chunks
    {
        get
        {
            lock (_chunks)
            {
                return [.. _chunks];
            }
        }
    }

    /// <summary>All bytes of one direction, concatenated.</summary>
    public byte[] Stream(bool fromClient) => [.. Chunks.Where(c => c.FromClient == fromClient).SelectMany(c => c.Bytes)];

    /// <summary>
    /// Feeds the connection into <paramref name="sink"/> as the process on <paramref name="side"/> saw it: an open
    /// event, every chunk as a data event of <paramref name="protocol"/> (with a batch end after each chunk when
    /// <paramref name="batchPerChunk"/>), then a close when <paramref name="close"/>.
    /// </summary>
    public SocketEventBuilder Replay(ISocketEventSink sink, TraceRole side, TrafficProtocol protocol, bool batchPerChunk = true,
        bool close = true, uint tgid = 4321, int fd = 7)
    {
        var b = new SocketEventBuilder(sink, tgid, fd) { Protocol = protocol };
        var chunks = Chunks;
        b.At(chunks.Count > 0 ? chunks[0].TimestampNs : 1_000_000_000);
        var local = side == TraceRole.Client ? Client : Server;
        var remote = side == TraceRole.Client ? Server : Client;
        b.Open(side, local.ToString(), remote.ToString());
        foreach (var c in chunks)
        {
            b.At(Math.Max(b.Now, c.TimestampNs));
            var sent = c.FromClient == (side == TraceRole.Client);
            b.Data(sent ? TrafficDirection.Send : TrafficDirection.Recv, c.Bytes);
            if (batchPerChunk)
            {
                b.EndBatch();
            }
        }

        if (close)
        {
            b.Close();
        }

        b.EndBatch();
        return b;
    }

    internal void Add(bool fromClient, ReadOnlySpan<byte> bytes)
    {
        var ts = (ulong)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));
        lock (_chunks)
        {
            _chunks.Add(new RecordedChunk(fromClient, bytes.ToArray(), ts));
        }
    }
}
