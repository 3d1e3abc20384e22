using System.Net;
using System.Net.Sockets;
using PixieHost.Modules.Pxl.Functions;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>
/// A pem's agent short id when none is configured: its node's IPv4 address as a 32-bit number. Node addresses are
/// unique in a cluster and stable across restarts, so every pem of a DaemonSet gets a distinct, lasting id (the first
/// 32 bits of its UPIDs) without coordination; two pems on one host must still be given ids by hand.
/// </summary>
public static class AgentShortIds
{
    /// <summary>From <see cref="AgentOptions.AdvertiseAddress"/> when it names an IPv4 address, else this host's first IPv4.</summary>
    public static uint Derive(AgentOptions options)
    {
        var advertised = options.AdvertiseAddress;
        var colon = advertised.LastIndexOf(':');
        var host = colon > 0 ? advertised[..colon] : advertised;
        var ip = IPAddress.TryParse(host, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetwork
            ? parsed
            : IPAddress.Parse(LocalAgentStatusSource.FirstIpv4());
        return FromIpv4(ip);
    }

    public static uint FromIpv4(IPAddress ip)
    {
        var b = ip.MapToIPv4().GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }
}
