using System.Net;
using System.Text;
using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Tests.Support;

/// <summary>
/// Writes socket events for one connection into a sink, the way the ring reader would: positions per direction
/// advance by msg_size, timestamps advance by <see cref="Step"/> per event unless set with <see cref="At"/>.
/// </summary>
public sealed class SocketEventBuilder(ISocketEventSink sink, uint tgid = 4321, int fd = 7, ulong generation = 1)
{
    private ulong _sendPos;
    private ulong _recvPos;

    public ConnId Conn { get; } = new() { Tgid = tgid, Fd = fd, Generation = generation };

    /// <summary>CLOCK_MONOTONIC time of the next event.</summary>
    public ulong Now { get; set; } = 1_000_000_000;

    public ulong Step { get; set; } = 1_000;

    public TraceRole Role { get; set; } = TraceRole.Server;

    public TrafficProtocol Protocol { get; set; } = TrafficProtocol.Http;

    /// <summary>Flags of the data events (<see cref="DataEventFlags.Ssl"/> for TLS plaintext).</summary>
    public DataEventFlags Flags { get; set; }

    /// <summary>Socket type of the open event: 1 TCP, 2 UDP (datagrams, DNS).</summary>
    public uint SockType { get; set; } = 1;

    public SocketEventBuilder At(ulong tsNs)
    {
        Now = tsNs;
        return this;
    }

    public SocketEventBuilder Open(TraceRole role = TraceRole.Server, string local = "10.0.0.1:80", string remote = "10.0.0.2:51000", ulong startTicks = 0)
    {
        Role = role;
        var ev = new SocketControlEvent
        {
            Hdr = Header(SocketEventType.Open),
            Local = Addr(local),
            Remote = Addr(remote),
            StartTicks = startTicks,
            SockType = SockType,
        };
        sink.OnControl(ev);
        return this;
    }

    public SocketEventBuilder Close(ulong bytesSent = 0, ulong bytesRecv = 0)
    {
        var ev = new SocketControlEvent { Hdr = Header(SocketEventType.Close), BytesSent = bytesSent, BytesRecv = bytesRecv };
        sink.OnControl(ev);
        return this;
    }

    public SocketEventBuilder Send(string text, int? copyLimit = null) => Data(TrafficDirection.Send, Encoding.UTF8.GetBytes(text), copyLimit);

    public SocketEventBuilder Recv(string text, int? copyLimit = null) => Data(TrafficDirection.Recv, Encoding.UTF8.GetBytes(text), copyLimit);

    /// <summary>One data event of <paramref name="bytes"/>; only the first <paramref name="copyLimit"/> are copied.</summary>
    public SocketEventBuilder Data(TrafficDirection dir, byte[] bytes, int? copyLimit = null)
    {
        ref var pos = ref dir == TrafficDirection.Send ? ref _sendPos : ref _recvPos;
        var copied = Math.Min(bytes.Length, copyLimit ?? bytes.Length);
        var ev = new SocketDataEvent
        {
            Hdr = Header(SocketEventType.Data),
            Position = pos,
            MsgSize = (uint)bytes.Length,
            DataSize = (uint)copied,
            Direction = dir,
            Protocol = Protocol,
            Flags = Flags,
        };
        sink.OnData(ev, bytes.AsSpan(0, copied));
        pos += (ulong)bytes.Length;
        return this;
    }

    /// <summary>Sends each byte of <paramref name="text"/> as its own event.</summary>
    public SocketEventBuilder ByteByByte(TrafficDirection dir, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            Data(dir, [b]);
        }

        return this;
    }

    /// <summary>Loses <paramref name="bytes"/> of the stream: the next event's position jumps.</summary>
    public SocketEventBuilder Lose(TrafficDirection dir, ulong bytes)
    {
        if (dir == TrafficDirection.Send)
        {
            _sendPos += bytes;
        }
        else
        {
            _recvPos += bytes;
        }

        return this;
    }

    /// <summary>Starts a direction at <paramref name="position"/> (a connection met mid-way).</summary>
    public SocketEventBuilder StartAt(TrafficDirection dir, ulong position) => Lose(dir, position);

    public SocketEventBuilder EndBatch()
    {
        sink.OnBatchEnd();
        return this;
    }

    private EventHeader Header(SocketEventType type)
    {
        var h = new EventHeader { TsNs = Now, Type = type, Role = Role, Conn = Conn };
        Now += Step;
        return h;
    }

    private static unsafe SockAddr Addr(string endpoint)
    {
        var ep = IPEndPoint.Parse(endpoint);
        var a = new SockAddr { Family = ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? (ushort)2 : (ushort)10, Port = (ushort)ep.Port };
        var bytes = ep.Address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            a.Addr[i] = bytes[i];
        }

        return a;
    }
}
