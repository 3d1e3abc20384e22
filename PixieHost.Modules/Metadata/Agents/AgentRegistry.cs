using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>
/// The metadata role's agent registry, in memory. Health is evaluated against the <see cref="TimeProvider"/> on every
/// call (so a listing is never staler than its clock) and by <see cref="Sweep"/>, which the sweep service runs each
/// heartbeat interval so transitions are logged even when nobody lists: an agent silent for longer than
/// <see cref="MetadataServiceOptions.EffectiveUnhealthyAfter"/> is <see cref="AgentState.Unresponsive"/>, one silent for
/// longer than <see cref="MetadataServiceOptions.ExpireAfter"/> is removed (its next heartbeat answers
/// <see cref="HeartbeatOutcome.Unknown"/>, so it registers again). Thread-safe: one lock, held for microseconds.
/// </summary>
public sealed partial class AgentRegistry : IAgentRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, Entry> _agents = [];
    private readonly long _unhealthyAfterNs;
    private readonly long _expireAfterNs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AgentRegistry(IOptions<MetadataServiceOptions> options, TimeProvider? time = null, ILogger<AgentRegistry>? logger = null)
    {
        _unhealthyAfterNs = options.Value.EffectiveUnhealthyAfter.Ticks * 100;
        _expireAfterNs = options.Value.ExpireAfter.Ticks * 100;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<AgentRegistry>.Instance;
    }

    /// <summary>Number of agents currently registered (healthy or not).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _agents.Count;
            }
        }
    }

    public Task RegisterAsync(AgentRegistration registration, CancellationToken cancellationToken = default)
    {
        Register(registration);
        return Task.CompletedTask;
    }

    public Task<HeartbeatOutcome> HeartbeatAsync(UInt128 agentId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Heartbeat(agentId));

    public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(ListAgents());

    /// <summary>Adds the agent, or replaces the registration of the same id (its registration time is kept); counts as a heartbeat.</summary>
    public void Register(AgentRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (registration.AgentId == UInt128.Zero)
        {
            throw new ArgumentException("The agent id is 0: an agent needs a random non-zero id per process start.", nameof(registration));
        }

        lock (_lock)
        {
            var now = NowNs();
            SweepLocked(now);
            // Only pems write UPIDs, so only pems need distinct short ids (a kelvin may share its process's).
            var pem = registration.Kind == AgentKind.Pem;
            foreach (var other in _agents.Values.Where(e => pem && e.Registration.Kind == AgentKind.Pem && e.Registration.Asid == registration.Asid && e.Registration.AgentId != registration.AgentId).ToList())
            {
                if (!other.Unresponsive)
                {
                    // Two live agents with one short id would write colliding UPIDs.
                    throw new AgentRefusedException(
                        $"agent short id {registration.Asid} is already used by {Describe(other.Registration)}, which is healthy; give each agent its own Hosting:AgentShortId (UPIDs start with it and must be unique in a vizier).");
                }

                // A restarted agent replaces its silent predecessor.
                _agents.Remove(other.Registration.AgentId);
            }

            if (_agents.TryGetValue(registration.AgentId, out var entry))
            {
                entry.Registration = registration;
                entry.LastHeartbeatNs = now;
                entry.Unresponsive = false;
            }
            else
            {
                _agents[registration.AgentId] = new Entry(registration, now);
            }
        }

        LogRegistered(_logger, Describe(registration), registration.Tables.Count);
    }

    /// <summary>Records a heartbeat; <see cref="HeartbeatOutcome.Unknown"/> when the id is not (or no longer) registered.</summary>
    public HeartbeatOutcome Heartbeat(UInt128 agentId)
    {
        lock (_lock)
        {
            var now = NowNs();
            SweepLocked(now);
            if (!_agents.TryGetValue(agentId, out var entry))
            {
                return HeartbeatOutcome.Unknown;
            }

            entry.LastHeartbeatNs = now;
            if (entry.Unresponsive)
            {
                entry.Unresponsive = false;
                LogHealthyAgain(_logger, Describe(entry.Registration));
            }

            return HeartbeatOutcome.Acknowledged;
        }
    }

    /// <summary>Every registered agent with its state as of now, ordered by kind, ASID and id.</summary>
    public IReadOnlyList<AgentInfo> ListAgents()
    {
        lock (_lock)
        {
            var now = NowNs();
            SweepLocked(now);
            return _agents.Values
                .Select(e => new AgentInfo(e.Registration, e.RegisteredNs, e.LastHeartbeatNs, e.Unresponsive ? AgentState.Unresponsive : AgentState.Healthy))
                .OrderBy(a => a.Kind).ThenBy(a => a.Registration.Asid).ThenBy(a => a.AgentId)
                .ToList();
        }
    }

    /// <summary>Marks silent agents unresponsive and removes expired ones, logging each transition once.</summary>
    public void Sweep()
    {
        lock (_lock)
        {
            SweepLocked(NowNs());
        }
    }

    private void SweepLocked(long now)
    {
        List<UInt128>? expired = null;
        foreach (var (id, entry) in _agents)
        {
            var silentNs = now - entry.LastHeartbeatNs;
            if (silentNs > _expireAfterNs)
            {
                (expired ??= []).Add(id);
                LogExpired(_logger, Describe(entry.Registration), silentNs / 1e9);
            }
            else if (silentNs > _unhealthyAfterNs && !entry.Unresponsive)
            {
                entry.Unresponsive = true;
                LogUnresponsive(_logger, Describe(entry.Registration), silentNs / 1e9);
            }
        }

        foreach (var id in expired ?? [])
        {
            _agents.Remove(id);
        }
    }

    private long NowNs() => (_time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private static string Describe(AgentRegistration r) => new AgentInfo(r, 0, 0, AgentState.Healthy).DisplayName;

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} registered ({Tables} tables)")]
    private static partial void LogRegistered(ILogger logger, string agent, int tables);

    [LoggerMessage(Level = LogLevel.Warning, Message = "agent {Agent} is unresponsive: no heartbeat for {Seconds:0.0} s; it is left out of query plans")]
    private static partial void LogUnresponsive(ILogger logger, string agent, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} is healthy again")]
    private static partial void LogHealthyAgain(ILogger logger, string agent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "agent {Agent} expired: no heartbeat for {Seconds:0.0} s; removed from the registry")]
    private static partial void LogExpired(ILogger logger, string agent, double seconds);

    private sealed class Entry(AgentRegistration registration, long now)
    {
        public AgentRegistration Registration { get; set; } = registration;

        public long RegisteredNs { get; } = now;

        public long LastHeartbeatNs { get; set; } = now;

        public bool Unresponsive { get; set; }
    }
}

/// <summary>The registry refused a registration (e.g. its agent short id is taken); the message says what to change.</summary>
public sealed class AgentRefusedException(string message) : Exception(message);
