using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace PixieHost.Modules.Metadata;

/// <summary>The addresses and networks of this host's interfaces, read once.</summary>
public sealed class HostAddresses(IReadOnlySet<string> local, IReadOnlyList<string> cidrs)
{
    public IReadOnlyList<string> Cidrs { get; } = cidrs;

    public bool IsLocal(string ip) => local.Contains(ip);

    public static HostAddresses Read()
    {
        var local = new HashSet<string>(StringComparer.Ordinal);
        var cidrs = new List<string>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var a in nic.GetIPProperties().UnicastAddresses)
                {
                    local.Add(a.Address.ToString());
                    if (!IPAddress.IsLoopback(a.Address) && a.Address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && !a.Address.IsIPv6LinkLocal)
                    {
                        var network = new IPNetwork(Mask(a.Address, a.PrefixLength), a.PrefixLength);
                        if (!cidrs.Contains(network.ToString()))
                        {
                            cidrs.Add(network.ToString());
                        }
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interfaces readable (a locked-down sandbox): nothing is local.
        }

        return new HostAddresses(local, cidrs);
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }
}
