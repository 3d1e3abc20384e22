using PixieHost.Modules.Rpc;
using Pb = PixieHost.Modules.Rpc.MetadataApi;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>Conversions between the registry contract and its wire messages (metadata.proto).</summary>
public static class AgentProto
{
    public static Pb.UInt128 ToProto(UInt128 id) => new() { HighBits = (ulong)(id >> 64), LowBits = (ulong)id };

    public static UInt128 FromProto(Pb.UInt128? id) => id is null ? UInt128.Zero : new UInt128(id.HighBits, id.LowBits);

    public static Pb.AgentRegistration ToProto(AgentRegistration r)
    {
        var pb = new Pb.AgentRegistration
        {
            AgentId = ToProto(r.AgentId),
            Asid = r.Asid,
            Kind = r.Kind switch
            {
                AgentKind.Pem => Pb.AgentKind.Pem,
                AgentKind.Kelvin => Pb.AgentKind.Kelvin,
                _ => throw new ArgumentOutOfRangeException(nameof(r), r.Kind, "Unknown agent kind."),
            },
            Hostname = r.Hostname,
            IpAddress = r.IpAddress,
            RpcAddress = r.RpcAddress,
            CreateTimeNs = r.CreateTimeNs,
            KernelHeadersInstalled = r.KernelHeadersInstalled,
        };
        pb.Tables.AddRange(r.Tables);
        return pb;
    }

    /// <summary>Reads a registration a client sent; throws INVALID_ARGUMENT naming the field when it is unusable.</summary>
    public static AgentRegistration FromProto(Pb.AgentRegistration? pb)
    {
        if (pb is null)
        {
            throw new RpcException(StatusCode.InvalidArgument, "agent is missing: send the agent's registration.");
        }

        var id = FromProto(pb.AgentId);
        if (id == UInt128.Zero)
        {
            throw new RpcException(StatusCode.InvalidArgument, "agent.agent_id is missing or 0: every agent needs a random non-zero id.");
        }

        var kind = pb.Kind switch
        {
            Pb.AgentKind.Pem => AgentKind.Pem,
            Pb.AgentKind.Kelvin => AgentKind.Kelvin,
            _ => throw new RpcException(StatusCode.InvalidArgument, $"agent.kind {pb.Kind} is not a kind this registry knows (AGENT_KIND_PEM or AGENT_KIND_KELVIN)."),
        };
        if (string.IsNullOrWhiteSpace(pb.RpcAddress))
        {
            throw new RpcException(StatusCode.InvalidArgument, "agent.rpc_address is empty: the query broker needs host:port to reach the agent.");
        }

        return new AgentRegistration(id, pb.Asid, kind, pb.Hostname, pb.IpAddress, pb.RpcAddress, [.. pb.Tables], pb.CreateTimeNs, pb.KernelHeadersInstalled);
    }

    public static Pb.AgentInfo ToProto(AgentInfo a) => new()
    {
        Registration = ToProto(a.Registration),
        RegisteredNs = a.RegisteredNs,
        LastHeartbeatNs = a.LastHeartbeatNs,
        State = a.State == AgentState.Healthy ? Pb.AgentState.Healthy : Pb.AgentState.Unresponsive,
    };

    /// <summary>Reads a listed agent; an unknown state reads as unresponsive (never plan on an agent of unknown health).</summary>
    public static AgentInfo FromProto(Pb.AgentInfo pb) => new(
        FromProto(pb.Registration),
        pb.RegisteredNs,
        pb.LastHeartbeatNs,
        pb.State == Pb.AgentState.Healthy ? AgentState.Healthy : AgentState.Unresponsive);

    /// <summary>Pixie's agent_state strings, as px.GetAgentStatus() shows them.</summary>
    public static string StateName(AgentState state) => state == AgentState.Healthy ? "AGENT_STATE_HEALTHY" : "AGENT_STATE_UNRESPONSIVE";
}
