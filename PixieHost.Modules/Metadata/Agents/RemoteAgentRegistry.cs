using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using Pb = PixieHost.Modules.Rpc.MetadataApi;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>
/// <see cref="IAgentRegistry"/> over gRPC to the metadata service at <see cref="AgentOptions.MetadataAddress"/>.
/// UNAVAILABLE is retried by <see cref="RpcChannel.UnaryAsync{TRequest, TResponse}"/> within
/// <see cref="AgentOptions.RpcTimeout"/>; after that the call throws <see cref="RpcException"/>.
/// </summary>
public sealed class RemoteAgentRegistry : IAgentRegistry, IDisposable
{
    private readonly RpcChannel _channel;
    private readonly RpcCallOptions _call;

    public RemoteAgentRegistry(IOptions<AgentOptions> options, IConfiguration? configuration = null)
        : this(options.Value.MetadataAddress, options.Value.RpcTimeout, RpcTlsOptions.From(configuration))
    {
    }

    /// <param name="address"><c>host:port</c> of the metadata service.</param>
    /// <param name="timeout">Deadline of each call, retries included.</param>
    /// <param name="tls">TLS of the vizier's internal calls; default off (h2c).</param>
    public RemoteAgentRegistry(string address, TimeSpan timeout, RpcTlsOptions? tls = null)
    {
        Address = address;
        _channel = (tls ?? new RpcTlsOptions()).CreateChannel(address, new RpcChannelOptions { UnaryTotalTimeout = timeout });
        _call = new RpcCallOptions { Timeout = timeout };
    }

    /// <summary>The metadata service's <c>host:port</c>.</summary>
    public string Address { get; }

    public async Task RegisterAsync(AgentRegistration registration, CancellationToken cancellationToken = default) =>
        await _channel.UnaryAsync(MetadataServiceMethods.Register, new Pb.RegisterAgentRequest { Agent = AgentProto.ToProto(registration) }, _call, cancellationToken)
            .ConfigureAwait(false);

    public async Task<HeartbeatOutcome> HeartbeatAsync(UInt128 agentId, CancellationToken cancellationToken = default)
    {
        var response = await _channel.UnaryAsync(MetadataServiceMethods.Heartbeat, new Pb.HeartbeatRequest { AgentId = AgentProto.ToProto(agentId) }, _call, cancellationToken)
            .ConfigureAwait(false);
        return response.Outcome switch
        {
            Pb.HeartbeatOutcome.Acknowledged => HeartbeatOutcome.Acknowledged,
            Pb.HeartbeatOutcome.UnknownAgent => HeartbeatOutcome.Unknown,
            _ => throw new RpcException(StatusCode.Internal, $"metadata service at {Address} answered the heartbeat with outcome {response.Outcome}."),
        };
    }

    public async Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken = default)
    {
        var response = await _channel.UnaryAsync(MetadataServiceMethods.ListAgents, new Pb.ListAgentsRequest(), _call, cancellationToken).ConfigureAwait(false);
        return response.Agents.Select(AgentProto.FromProto).ToList();
    }

    public void Dispose() => _channel.Dispose();
}
