using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Rpc;

namespace PixieHost.Modules.QueryBroker;

/// <summary>Where a query runs: one kelvin, the pems, and warnings about agents left out.</summary>
public sealed record VizierTopology(IKelvinConnection Kelvin, IReadOnlyList<PemTarget> Pems, IReadOnlyList<string> Warnings);

/// <summary>Finds the agents for the next query.</summary>
public interface IVizierTopology
{
    Task<VizierTopology> ResolveAsync(CancellationToken cancellationToken);
}

/// <summary>Standalone: the pem and the kelvin are modules of this process, reached without the network.</summary>
public sealed class InProcessTopology(QueryExecutor engine, ClusterExecutor executor) : IVizierTopology
{
    private const string PemName = "pem (this process)";

    private readonly VizierTopology _topology = new(
        new LocalKelvinConnection(executor, _ => new LocalPemConnection(engine, PemName)),
        [new PemTarget(PemName, "in-process")],
        []);

    public Task<VizierTopology> ResolveAsync(CancellationToken cancellationToken) => Task.FromResult(_topology);
}

/// <summary>
/// Split roles: the agents the metadata service knows. A vizier missing its metadata service or kelvin fails the query
/// with FAILED_PRECONDITION (not UNAVAILABLE, which clients read as "the query API is down") and says what to start. Healthy pems run the node fragments; a healthy kelvin (round
/// robin) runs the cluster side; unresponsive pems are left out with a warning naming each.
/// </summary>
public sealed class RegistryTopology(IAgentRegistry registry, RpcChannelPool channels) : IVizierTopology
{
    private int _next;

    public async Task<VizierTopology> ResolveAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<AgentInfo> agents;
        try
        {
            agents = await registry.ListAgentsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.Status is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"The metadata service is unreachable ({e.Detail}); start it with `pixie serve --role metadata` or check Agent:MetadataAddress.");
        }

        var pems = agents.Where(a => a.Kind == AgentKind.Pem).OrderBy(a => a.Registration.Asid).ToArray();
        var kelvins = agents.Where(a => a.Kind == AgentKind.Kelvin && a.State == AgentState.Healthy).ToArray();
        if (kelvins.Length == 0)
        {
            throw new RpcException(StatusCode.FailedPrecondition, "No healthy kelvin is registered with the metadata service; start one with `pixie serve --role kelvin`.");
        }

        var kelvin = kelvins[(int)((uint)Interlocked.Increment(ref _next) % (uint)kelvins.Length)];
        var warnings = pems.Where(p => p.State != AgentState.Healthy)
            .Select(p => $"{p.DisplayName} is unresponsive (no heartbeat since {DateTimeOffset.UnixEpoch.AddTicks(p.LastHeartbeatNs / 100):u}); the result is missing its data.")
            .ToList();
        if (pems.Length == 0)
        {
            warnings.Add("No pem is registered with the metadata service: the result has no node data. Start one with `pixie serve --role pem`.");
        }

        var targets = pems.Where(p => p.State == AgentState.Healthy).Select(p => new PemTarget(p.DisplayName, p.Registration.RpcAddress)).ToArray();
        var connection = new RemoteKelvinConnection(kelvin.DisplayName, channels.Get(kelvin.Registration.RpcAddress));
        return new VizierTopology(connection, targets, warnings);
    }
}
