using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Rpc;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>
/// Keeps one <see cref="LocalAgent"/> registered: registers on start, heartbeats every
/// <see cref="AgentOptions.HeartbeatInterval"/>, registers again when the registry answers
/// <see cref="HeartbeatOutcome.Unknown"/> (it restarted or expired us) or when the table list changed. While the
/// metadata service is unreachable it keeps trying at the same period and logs once per change of reachability.
/// </summary>
public sealed partial class AgentHeartbeatService(
    LocalAgent agent,
    IAgentRegistry registry,
    IOptions<AgentOptions> options,
    ILogger<AgentHeartbeatService> logger,
    TimeProvider? time = null,
    TableStore.TableStore? tableStore = null) : BackgroundService
{
    private readonly TimeSpan _interval = options.Value.EffectiveHeartbeatInterval;
    private IReadOnlyList<string>? _registeredTables;
    private bool _unreachable;
    private bool _refused;

    public LocalAgent Agent => agent;

    /// <summary>How many times this agent registered (the first time, and after each Unknown or table change).</summary>
    public int Registrations { get; private set; }

    /// <summary>False between a failed call and the next successful one.</summary>
    public bool MetadataReachable => !_unreachable;

    private string MetadataAddress => registry is RemoteAgentRegistry remote ? remote.Address : "(in process)";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, time ?? TimeProvider.System);
        try
        {
            do
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping mid-call: the call fails with CANCELLED or OperationCanceledException; neither is a failure of the service.
        }
    }

    /// <summary>One step: register if needed, else heartbeat. Never throws for an unreachable registry.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var tables = CurrentTables();
            if (_registeredTables is null)
            {
                await RegisterAsync(tables, cancellationToken).ConfigureAwait(false);
                LogRegistered(logger, MetadataAddress, agent.ToString(), tables.Count);
            }
            else if (!tables.SequenceEqual(_registeredTables, StringComparer.Ordinal))
            {
                await RegisterAsync(tables, cancellationToken).ConfigureAwait(false);
            }
            else if (await registry.HeartbeatAsync(agent.AgentId, cancellationToken).ConfigureAwait(false) == HeartbeatOutcome.Unknown)
            {
                LogUnknown(logger, MetadataAddress, agent.ToString());
                await RegisterAsync(tables, cancellationToken).ConfigureAwait(false);
            }

            _refused = false;
            if (_unreachable)
            {
                _unreachable = false;
                LogReachable(logger, MetadataAddress);
            }
        }
        catch (Exception e) when (e is AgentRefusedException or RpcException { Status: StatusCode.AlreadyExists } && !cancellationToken.IsCancellationRequested)
        {
            if (!_refused)
            {
                _refused = true;
                LogRefused(logger, MetadataAddress, agent.ToString(), e is RpcException r ? r.Detail : e.Message);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (!_unreachable)
            {
                _unreachable = true;
                LogUnreachable(logger, MetadataAddress, e.Message, _interval.TotalSeconds);
            }
        }
    }

    private async Task RegisterAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        await registry.RegisterAsync(agent.ToRegistration(tables), cancellationToken).ConfigureAwait(false);
        _registeredTables = tables;
        Registrations++;
    }

    /// <summary>A pem serves the tables of its store; a kelvin holds none.</summary>
    private List<string> CurrentTables() =>
        agent.Kind == AgentKind.Pem && tableStore is not null ? tableStore.Tables.Select(t => t.Name).ToList() : [];

    [LoggerMessage(Level = LogLevel.Information, Message = "registered with the metadata service at {Address} as {Agent}, {Tables} tables")]
    private static partial void LogRegistered(ILogger logger, string address, string agent, int tables);

    [LoggerMessage(Level = LogLevel.Information, Message = "metadata service at {Address} does not know {Agent} (it restarted or expired this agent): registering again")]
    private static partial void LogUnknown(ILogger logger, string address, string agent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "metadata service at {Address} unreachable: {Reason}; retrying every {Seconds} s")]
    private static partial void LogUnreachable(ILogger logger, string address, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "metadata service at {Address} refused {Agent}: {Reason}. Queries leave this agent out until it registers; retrying every interval.")]
    private static partial void LogRefused(ILogger logger, string address, string agent, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "metadata service at {Address} reachable again")]
    private static partial void LogReachable(ILogger logger, string address);
}
