namespace PixieHost.Modules.Metadata.Agents;

/// <summary>What an agent does in a vizier: a node's collector (runs node fragments) or a cluster merger.</summary>
public enum AgentKind
{
    Pem,
    Kelvin,
}

/// <summary>An agent's health as the registry sees it (Pixie: AGENT_STATE_HEALTHY, _UNRESPONSIVE, _DISCONNECTED).</summary>
public enum AgentState
{
    Healthy,

    /// <summary>Missed heartbeats: kept in the registry (and in px.GetAgentStatus()), left out of query plans.</summary>
    Unresponsive,
}

/// <summary>What an agent tells the registry about itself when it registers.</summary>
/// <param name="AgentId">Random per process start; a restarted agent is a new agent.</param>
/// <param name="Asid">Agent short id: the first 32 bits of the UPIDs this agent writes.</param>
/// <param name="RpcAddress">host:port where its internal RPC services (fragment execution) listen.</param>
/// <param name="Tables">Names of the tables in its table store (empty for a kelvin).</param>
public sealed record AgentRegistration(
    UInt128 AgentId,
    uint Asid,
    AgentKind Kind,
    string Hostname,
    string IpAddress,
    string RpcAddress,
    IReadOnlyList<string> Tables,
    long CreateTimeNs,
    bool KernelHeadersInstalled);

/// <summary>A registered agent with its health.</summary>
public sealed record AgentInfo(AgentRegistration Registration, long RegisteredNs, long LastHeartbeatNs, AgentState State)
{
    public UInt128 AgentId => Registration.AgentId;

    public AgentKind Kind => Registration.Kind;

    /// <summary>"pem 3 (host-a, 127.0.0.1:50501)": how warnings and errors name an agent.</summary>
    public string DisplayName => $"{Registration.Kind.ToString().ToLowerInvariant()} {Registration.Asid} ({Registration.Hostname}, {Registration.RpcAddress})";
}

/// <summary>The answer to a heartbeat: <see cref="Unknown"/> tells the agent to register again (the registry restarted).</summary>
public enum HeartbeatOutcome
{
    Acknowledged,
    Unknown,
}

/// <summary>
/// The metadata service's agent registry as its callers see it: in process (standalone) or over RPC (split roles).
/// </summary>
public interface IAgentRegistry
{
    Task RegisterAsync(AgentRegistration registration, CancellationToken cancellationToken = default);

    Task<HeartbeatOutcome> HeartbeatAsync(UInt128 agentId, CancellationToken cancellationToken = default);

    /// <summary>Every registered agent, healthy or not.</summary>
    Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken = default);
}
