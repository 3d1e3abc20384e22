using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Server;
using Pb = PixieHost.Modules.Rpc.MetadataApi;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>
/// <c>px.internal.metadatapb.MetadataService</c>: the agent registry over gRPC. Register and Heartbeat are called by
/// every pem and kelvin (<see cref="AgentHeartbeatService"/>), ListAgents by the query broker and px.GetAgentStatus().
/// </summary>
public sealed class MetadataService(AgentRegistry registry)
{
    public Task<Pb.RegisterAgentResponse> Register(Pb.RegisterAgentRequest request, RpcCallContext context)
    {
        try
        {
            registry.Register(AgentProto.FromProto(request.Agent));
        }
        catch (AgentRefusedException e)
        {
            throw new RpcException(StatusCode.AlreadyExists, e.Message);
        }

        return Task.FromResult(new Pb.RegisterAgentResponse());
    }

    public Task<Pb.HeartbeatResponse> Heartbeat(Pb.HeartbeatRequest request, RpcCallContext context)
    {
        var outcome = registry.Heartbeat(AgentProto.FromProto(request.AgentId));
        return Task.FromResult(new Pb.HeartbeatResponse
        {
            Outcome = outcome == HeartbeatOutcome.Acknowledged ? Pb.HeartbeatOutcome.Acknowledged : Pb.HeartbeatOutcome.UnknownAgent,
        });
    }

    public Task<Pb.ListAgentsResponse> ListAgents(Pb.ListAgentsRequest request, RpcCallContext context)
    {
        var response = new Pb.ListAgentsResponse();
        foreach (var agent in registry.ListAgents())
        {
            response.Agents.Add(AgentProto.ToProto(agent));
        }

        return Task.FromResult(response);
    }
}
