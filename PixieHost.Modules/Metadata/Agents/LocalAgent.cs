using System.Buffers.Binary;
using System.Security.Cryptography;
using PixieHost.Modules.Pxl.Functions;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>
/// This process as one agent of a vizier: a random id per process start (a restarted agent is a new agent), the
/// configured short id, its host, and the address its internal RPC services are reached at. One per kind.
/// </summary>
public sealed class LocalAgent
{
    public LocalAgent(AgentKind kind, uint asid, string rpcAddress, long createTimeNs, string? hostname = null, string? ipAddress = null)
    {
        AgentId = NewId();
        Kind = kind;
        Asid = asid;
        RpcAddress = rpcAddress;
        CreateTimeNs = createTimeNs;
        Hostname = hostname ?? Environment.MachineName;
        IpAddress = ipAddress ?? LocalAgentStatusSource.FirstIpv4();
        KernelHeadersInstalled = kind == AgentKind.Pem && LocalAgentStatusSource.KernelHeadersInstalled();
    }

    public UInt128 AgentId { get; }

    public AgentKind Kind { get; }

    public uint Asid { get; }

    public string Hostname { get; }

    public string IpAddress { get; }

    /// <summary><c>host:port</c> other processes dial to reach this agent.</summary>
    public string RpcAddress { get; }

    public long CreateTimeNs { get; }

    public bool KernelHeadersInstalled { get; }

    /// <summary>Builds the agent from its options: the RPC address is <see cref="AgentOptions.AdvertiseAddress"/>, else the listen address.</summary>
    public static LocalAgent Create(AgentKind kind, AgentOptions options, uint asid, TimeProvider time)
    {
        var ip = LocalAgentStatusSource.FirstIpv4();
        var createNs = (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        return new LocalAgent(kind, asid, AdvertisedAddress(options, kind, ip), createNs, ipAddress: ip);
    }

    /// <summary>
    /// <see cref="AgentOptions.AdvertiseAddress"/> when set; else the listen address of <paramref name="kind"/>, with a
    /// wildcard host (0.0.0.0, [::]) replaced by <paramref name="ip"/>, since nobody can dial a wildcard.
    /// </summary>
    public static string AdvertisedAddress(AgentOptions options, AgentKind kind, string ip)
    {
        if (options.AdvertiseAddress.Length > 0)
        {
            return options.AdvertiseAddress;
        }

        var listen = options.ListenAddressFor(kind);
        var colon = listen.LastIndexOf(':');
        var host = colon < 0 ? listen : listen[..colon];
        return host is "0.0.0.0" or "[::]" or "" ? $"{ip}{listen[colon..]}" : listen;
    }

    /// <summary>This agent's registration with <paramref name="tables"/> as its table list.</summary>
    public AgentRegistration ToRegistration(IReadOnlyList<string> tables) =>
        new(AgentId, Asid, Kind, Hostname, IpAddress, RpcAddress, tables, CreateTimeNs, KernelHeadersInstalled);

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Asid} ({Hostname}, {RpcAddress})";

    private static UInt128 NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        UInt128 id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        }
        while (id == UInt128.Zero);

        return id;
    }
}
