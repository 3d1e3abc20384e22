using System.Text;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Http;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>
/// Everything known about one traced connection: identity, role, endpoints, the two reassembled byte streams,
/// byte counters, the protocol state, and when it was last active.
/// </summary>
public sealed class ConnTracker : IDisposable
{
    private static readonly byte[] UnknownAddress = "-"u8.ToArray();

    public ConnTracker(ConnId id, TraceRole role, int streamCapacityBytes, int reorderWindowBatches)
    {
        Id = id;
        Role = role;
        Send = new DataStream(streamCapacityBytes, reorderWindowBatches);
        Recv = new DataStream(streamCapacityBytes, reorderWindowBatches);
    }

    public ConnId Id { get; }

    /// <summary>Client or server; Unknown until the open event or the traffic tells.</summary>
    public TraceRole Role { get; private set; }

    /// <summary>The role was guessed from the first message seen, not from connect/accept.</summary>
    public bool RoleInferred { get; private set; }

    public Upid Upid { get; internal set; }

    public ushort AddressFamily { get; private set; }

    public byte[] RemoteAddrUtf8 { get; private set; } = UnknownAddress;

    public int RemotePort { get; private set; }

    public byte[] LocalAddrUtf8 { get; private set; } = UnknownAddress;

    public int LocalPort { get; private set; }

    /// <summary>The remote address as 16 bytes (IPv4 in the first 4), the conn_stats grouping key.</summary>
    public UInt128 RemoteAddrKey { get; private set; }

    public string RemoteAddr => Encoding.UTF8.GetString(RemoteAddrUtf8);

    public string LocalAddr => Encoding.UTF8.GetString(LocalAddrUtf8);

    public TrafficProtocol Protocol { get; internal set; }

    /// <summary>A UDP socket: every event is one datagram (DNS); false for TCP.</summary>
    public bool IsDatagram { get; internal set; }

    /// <summary>The bytes were read from TLS library calls (plaintext of an encrypted connection).</summary>
    public bool Encrypted { get; internal set; }

    /// <summary>The handler of <see cref="Protocol"/> when it is not HTTP/1, with this connection's state.</summary>
    internal Protocols.IProtocolHandler? Handler;
    internal Protocols.ProtocolConnection? HandlerState;

    public DataStream Send { get; }

    public DataStream Recv { get; }

    /// <summary>Bytes the process sent / received, from data events (msg_size), or the close totals if larger.</summary>
    public long BytesSent { get; internal set; }

    public long BytesRecv { get; internal set; }

    public ulong OpenTimestampNs { get; internal set; }

    public ulong LastActivityNs { get; internal set; }

    public bool SawOpen { get; internal set; }

    public bool IsClosed { get; private set; }

    /// <summary>Parsing was given up (the traffic is not HTTP); bytes are still counted.</summary>
    public bool ParsingDisabled { get; internal set; }

    /// <summary>Bytes buffered since the last frame, while no event claimed HTTP: drives <see cref="ParsingDisabled"/>.</summary>
    internal long BytesWithoutFrame;

    /// <summary>HTTP frames parsed on this connection (either direction).</summary>
    internal long FramesParsed;

    internal bool Dirty;
    internal bool HoleWaiting;
    internal ConnStatsEntry? StatsEntry;
    internal readonly HttpStreamParser RequestParser = new(HttpMessageKind.Request);
    internal readonly HttpStreamParser ResponseParser = new(HttpMessageKind.Response);
    internal readonly HttpStitcher Stitcher = new();

    /// <summary>The stream requests travel on: received by a server, sent by a client.</summary>
    public DataStream RequestStream => Role == TraceRole.Client ? Send : Recv;

    public DataStream ResponseStream => Role == TraceRole.Client ? Recv : Send;

    public DataStream Stream(TrafficDirection direction) => direction == TrafficDirection.Send ? Send : Recv;

    /// <summary>Sets the endpoints from an open event.</summary>
    public void SetEndpoints(in SockAddr local, in SockAddr remote)
    {
        AddressFamily = remote.Family != 0 ? remote.Family : local.Family;
        RemoteAddrUtf8 = Encoding.UTF8.GetBytes(remote.AddressString());
        RemotePort = remote.Port;
        LocalAddrUtf8 = Encoding.UTF8.GetBytes(local.AddressString());
        LocalPort = local.Port;
        RemoteAddrKey = AddressKey(remote);
    }

    /// <summary>Sets the role; <paramref name="inferred"/> when it comes from the traffic.</summary>
    public void SetRole(TraceRole role, bool inferred)
    {
        Role = role;
        RoleInferred = inferred;
    }

    public void MarkClosed()
    {
        IsClosed = true;
        Send.Close();
        Recv.Close();
    }

    public void Dispose()
    {
        HandlerState?.Dispose();
        HandlerState = null;
        Send.Dispose();
        Recv.Dispose();
    }

    public override string ToString() => $"{Id} {Role} {RemoteAddr}:{RemotePort}";

    private static unsafe UInt128 AddressKey(SockAddr a)
    {
        var bytes = new ReadOnlySpan<byte>(a.Addr, 16);
        return new UInt128(BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..]));
    }
}
