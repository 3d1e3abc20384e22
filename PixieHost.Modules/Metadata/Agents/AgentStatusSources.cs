using PixieHost.Modules.Hosting;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>The registry's agents on /statusz (<c>agent_registry</c>): state, seconds since the last heartbeat, tables.</summary>
public sealed class AgentRegistryStatus(AgentRegistry registry, TimeProvider? time = null) : IStatusSource
{
    public string Name => "agent_registry";

    public object Snapshot()
    {
        var now = ((time ?? TimeProvider.System).GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        return registry.ListAgents().ToDictionary(
            a => a.DisplayName,
            a => new { state = AgentProto.StateName(a.State), last_heartbeat_s = Math.Round((now - a.LastHeartbeatNs) / 1e9, 1), tables = a.Registration.Tables.Count });
    }
}

/// <summary>This process's agent on /statusz (<c>agent_pem</c>, <c>agent_kelvin</c>): id, address, registrations, whether metadata answers.</summary>
public sealed class AgentHeartbeatStatus(AgentHeartbeatService service) : IStatusSource
{
    public string Name => $"agent_{service.Agent.Kind.ToString().ToLowerInvariant()}";

    public object Snapshot() => new
    {
        agent_id = service.Agent.AgentId.ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
        asid = service.Agent.Asid,
        rpc_address = service.Agent.RpcAddress,
        registrations = service.Registrations,
        metadata_reachable = service.MetadataReachable,
    };
}
