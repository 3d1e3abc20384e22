using System.Runtime.InteropServices;

namespace PixieHost.Modules.Pem.Ebpf;

// Mirrors of PixieHost.Ebpf.Native/probes/socket_trace.h. Their sizes are checked against
// pxbpf_struct_size() when the tracer opens; change both files together.

/// <summary>Kind of event in the ring buffer (<c>enum px_event_type</c>).</summary>
public enum SocketEventType : uint
{
    Open = 1,
    Close = 2,
    Data = 3,
}

/// <summary>Which side of the connection the traced process is (<c>enum px_role</c>); values match Pixie's trace_role.</summary>
public enum TraceRole : uint
{
    Unknown = 0,
    Client = 1,
    Server = 2,
}

/// <summary>Direction of a data event (<c>enum px_direction</c>).</summary>
public enum TrafficDirection : uint
{
    Send = 0,
    Recv = 1,
}

/// <summary>Protocol the kernel inferred (<c>enum px_protocol</c>); values are Pixie's traffic_protocol_t (conn_stats.protocol).</summary>
public enum TrafficProtocol : uint
{
    Unknown = 0,
    Http = 1,
    Http2 = 2,
    Mysql = 3,
    Cql = 4,
    Pgsql = 5,
    Dns = 6,
    Redis = 7,
}

[StructLayout(LayoutKind.Sequential)]
public struct ConnId : IEquatable<ConnId>
{
    public uint Tgid;
    public int Fd;
    public ulong Generation;

    public readonly bool Equals(ConnId other) => Tgid == other.Tgid && Fd == other.Fd && Generation == other.Generation;

    public override readonly bool Equals(object? obj) => obj is ConnId o && Equals(o);

    public override readonly int GetHashCode() => HashCode.Combine(Tgid, Fd, Generation);

    public override readonly string ToString() => $"{Tgid}:{Fd}:{Generation}";
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct SockAddr
{
    public ushort Family;
    public ushort Port;
    public fixed byte Addr[16];

    /// <summary>The address as text ("127.0.0.1", "::1"); "-" when the family is unknown.</summary>
    public readonly string AddressString()
    {
        fixed (byte* p = Addr)
        {
            var bytes = new ReadOnlySpan<byte>(p, 16);
            return Family switch
            {
                2 => new System.Net.IPAddress(bytes[..4]).ToString(),
                10 => new System.Net.IPAddress(bytes).ToString(),
                _ => "-",
            };
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
public struct EventHeader
{
    public ulong TsNs;
    public SocketEventType Type;
    public TraceRole Role;
    public ConnId Conn;
}

[StructLayout(LayoutKind.Sequential)]
public struct SocketControlEvent
{
    public EventHeader Hdr;
    public SockAddr Local;
    public SockAddr Remote;
    public ulong BytesSent;
    public ulong BytesRecv;

    /// <summary>Process start in clock ticks since boot (field 22 of /proc/PID/stat), read in the kernel; 0 if unknown.</summary>
    public ulong StartTicks;

    /// <summary>SOCK_STREAM (1, TCP) or SOCK_DGRAM (2, UDP); 0 from events that predate the field.</summary>
    public uint SockType;
    public uint Pad;
}

/// <summary>Flags of a data event (<c>enum px_data_flags</c>).</summary>
[Flags]
public enum DataEventFlags : uint
{
    None = 0,

    /// <summary>Plaintext from a TLS library call (SSL_read/SSL_write), not the socket's bytes.</summary>
    Ssl = 1,
}

/// <summary>Header of a data event; <see cref="DataSize"/> payload bytes follow it in the ring.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SocketDataEvent
{
    public EventHeader Hdr;
    public ulong Position;
    public uint MsgSize;
    public uint DataSize;
    public TrafficDirection Direction;
    public TrafficProtocol Protocol;
    public DataEventFlags Flags;
    public uint Pad;
}

/// <summary>Receives events from the ring buffer, on the reader thread, in place (no copy was made).</summary>
public interface ISocketEventSink
{
    void OnControl(in SocketControlEvent ev);

    void OnData(in SocketDataEvent ev, ReadOnlySpan<byte> payload);

    /// <summary>Called after each drained poll batch: a point to parse what arrived.</summary>
    void OnBatchEnd();
}
