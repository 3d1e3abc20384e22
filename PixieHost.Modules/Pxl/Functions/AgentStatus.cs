using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>One row of px.GetAgentStatus(): an agent as Pixie's metadata service reports it.</summary>
public sealed record AgentStatus(
    UInt128 AgentId,
    long Asid,
    string Hostname,
    string IpAddress,
    string AgentState,
    long CreateTimeNs,
    long LastHeartbeatNs,
    bool KernelHeadersInstalled);

/// <summary>The agents px.GetAgentStatus() lists. Standalone: this process; distributed: the metadata registry.</summary>
public interface IAgentStatusSource
{
    IReadOnlyList<AgentStatus> GetAgents(long nowNs);
}

/// <summary>
/// This process as the one agent: a random agent id per process, the configured short id (Hosting:AgentShortId)
/// as ASID, the host's name and first non-loopback IPv4 address, state AGENT_STATE_HEALTHY, and a heartbeat of "now".
/// </summary>
public sealed class LocalAgentStatusSource : IAgentStatusSource
{
    private readonly AgentStatus _template;

    public LocalAgentStatusSource(uint asid, long createTimeNs)
    {
        var id = Guid.NewGuid().ToByteArray();
        _template = new AgentStatus(
            new UInt128(BitConverter.ToUInt64(id, 0), BitConverter.ToUInt64(id, 8)),
            asid,
            Environment.MachineName,
            FirstIpv4(),
            "AGENT_STATE_HEALTHY",
            createTimeNs,
            0,
            KernelHeadersInstalled());
    }

    /// <summary>The source used when none is configured: ASID 0, created when the process first asked.</summary>
    public static LocalAgentStatusSource Default { get; } =
        new(0, (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);

    public IReadOnlyList<AgentStatus> GetAgents(long nowNs) => [_template with { LastHeartbeatNs = nowNs }];

    /// <summary>The first non-loopback IPv4 address of an interface that is up, else 127.0.0.1.</summary>
    internal static string FirstIpv4()
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                foreach (var a in nic.GetIPProperties().UnicastAddresses)
                {
                    if (a.Address.AddressFamily == AddressFamily.InterNetwork)
                    {
                        return a.Address.ToString();
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interface information (sandboxes): report loopback below.
        }

        return "127.0.0.1";
    }

    /// <summary>Whether /lib/modules/&lt;release&gt;/build exists, as Pixie's PEM checks before compiling BPF.</summary>
    internal static bool KernelHeadersInstalled()
    {
        try
        {
            var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            return Directory.Exists($"/lib/modules/{release}/build");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
