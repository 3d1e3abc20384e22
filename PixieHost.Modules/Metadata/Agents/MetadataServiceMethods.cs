using PixieHost.Modules.Rpc;
using Pb = PixieHost.Modules.Rpc.MetadataApi;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>The methods of <c>px.internal.metadatapb.MetadataService</c>, shared by <see cref="MetadataService"/> and <see cref="RemoteAgentRegistry"/>.</summary>
public static class MetadataServiceMethods
{
    public const string ServiceName = "px.internal.metadatapb.MetadataService";

    public static readonly RpcMethod<Pb.RegisterAgentRequest, Pb.RegisterAgentResponse> Register =
        new(RpcMethodType.Unary, ServiceName, "Register", Pb.RegisterAgentRequest.Parser, Pb.RegisterAgentResponse.Parser);

    public static readonly RpcMethod<Pb.HeartbeatRequest, Pb.HeartbeatResponse> Heartbeat =
        new(RpcMethodType.Unary, ServiceName, "Heartbeat", Pb.HeartbeatRequest.Parser, Pb.HeartbeatResponse.Parser);

    public static readonly RpcMethod<Pb.ListAgentsRequest, Pb.ListAgentsResponse> ListAgents =
        new(RpcMethodType.Unary, ServiceName, "ListAgents", Pb.ListAgentsRequest.Parser, Pb.ListAgentsResponse.Parser);
}
