using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PixieHost.Modules.Pxl.Functions;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>
/// px.GetAgentStatus() from the agent registry (in process or remote). <see cref="IAgentStatusSource.GetAgents"/> is
/// synchronous and runs while a query executes, so it asks the registry and waits at most <see cref="Timeout"/>:
/// a fresh answer beats a background cache here, because the script exists to show health as of now and a cache
/// would lag by its refresh period (an agent that just died would still read healthy). In process the call completes
/// synchronously; remote it is one unary RPC on loopback or the cluster network (about a millisecond). When the
/// registry does not answer in time, the last answer is returned (with a warning in the log), or, before any
/// answer, the query fails with a message naming the metadata service.
/// </summary>
public sealed partial class RegistryAgentStatusSource(IAgentRegistry registry, ILogger<RegistryAgentStatusSource>? logger = null) : IAgentStatusSource
{
    private readonly ILogger _logger = logger ?? NullLogger<RegistryAgentStatusSource>.Instance;
    private IReadOnlyList<AgentStatus>? _last;

    /// <summary>The longest a query waits for the registry. Default 2 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    public IReadOnlyList<AgentStatus> GetAgents(long nowNs)
    {
        try
        {
            using var cts = new CancellationTokenSource(Timeout);
            var task = registry.ListAgentsAsync(cts.Token);
            if (!task.Wait(Timeout))
            {
                throw new TimeoutException($"no answer within {Timeout.TotalSeconds:0.#} s");
            }

            var agents = task.Result.Select(ToStatus).ToList();
            _last = agents;
            return agents;
        }
        catch (Exception e)
        {
            var reason = (e as AggregateException)?.InnerException?.Message ?? e.Message;
            if (_last is { } last)
            {
                LogStale(_logger, Where, reason);
                return last;
            }

            throw new InvalidOperationException($"px.GetAgentStatus: the agent registry ({Where}) did not answer: {reason}", e);
        }
    }

    /// <summary>One registry entry as a px.GetAgentStatus() row.</summary>
    public static AgentStatus ToStatus(AgentInfo agent)
    {
        var r = agent.Registration;
        return new AgentStatus(r.AgentId, r.Asid, r.Hostname, r.IpAddress, AgentProto.StateName(agent.State), r.CreateTimeNs, agent.LastHeartbeatNs, r.KernelHeadersInstalled);
    }

    private string Where => registry is RemoteAgentRegistry remote ? $"metadata service at {remote.Address}" : "in process";

    [LoggerMessage(Level = LogLevel.Warning, Message = "px.GetAgentStatus: the agent registry ({Where}) did not answer ({Reason}); showing its last answer")]
    private static partial void LogStale(ILogger logger, string where, string reason);
}
