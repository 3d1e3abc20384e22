using FluentAssertions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pem;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Metadata.Agents;

/// <summary><see cref="AgentHeartbeatService.BeatAsync"/> one step at a time, against a registry that can fail or forget.</summary>
[TestFixture]
public sealed class AgentHeartbeatStepTests
{
    private sealed class FlakyRegistry(AgentRegistry inner) : IAgentRegistry
    {
        public bool Down { get; set; }

        public int Heartbeats { get; private set; }

        public Task RegisterAsync(AgentRegistration registration, CancellationToken cancellationToken = default) =>
            Down ? throw new HttpRequestException("Connection refused (127.0.0.1:50400)") : inner.RegisterAsync(registration, cancellationToken);

        public Task<HeartbeatOutcome> HeartbeatAsync(UInt128 agentId, CancellationToken cancellationToken = default)
        {
            Heartbeats++;
            return Down ? throw new HttpRequestException("Connection refused (127.0.0.1:50400)") : inner.HeartbeatAsync(agentId, cancellationToken);
        }

        public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken = default) => inner.ListAgentsAsync(cancellationToken);
    }

    private AgentRegistry _registry = null!;
    private FlakyRegistry _flaky = null!;
    private RecordingLoggerProvider _logs = null!;

    [SetUp]
    public void SetUp()
    {
        _registry = NewRegistry();
        _flaky = new FlakyRegistry(_registry);
        _logs = new RecordingLoggerProvider();
    }

    [TearDown]
    public void TearDown() => _logs.Dispose();

    private static AgentRegistry NewRegistry() => new(Options.Create(new MetadataServiceOptions()));

    private AgentHeartbeatService Service(AgentKind kind = AgentKind.Pem, TableStore? store = null, IAgentRegistry? registry = null) => new(
        new LocalAgent(kind, 4, "127.0.0.1:50500", 1, "host-x", "10.9.9.9"),
        registry ?? _flaky,
        Options.Create(new AgentOptions { HeartbeatInterval = TimeSpan.FromSeconds(2) }),
        new LoggerFactory([_logs]).CreateLogger<AgentHeartbeatService>(),
        tableStore: store);

    [Test]
    public async Task BeatAsync_FirstAndLater_RegistersOnceThenHeartbeats()
    {
        var service = Service();

        await service.BeatAsync(CancellationToken.None);
        await service.BeatAsync(CancellationToken.None);
        await service.BeatAsync(CancellationToken.None);

        service.Registrations.Should().Be(1);
        _flaky.Heartbeats.Should().Be(2);
        _registry.ListAgents().Single().Registration.Hostname.Should().Be("host-x");
    }

    [Test]
    public async Task BeatAsync_ShortIdTakenByAHealthyPem_LogsOneErrorAndStaysUnregistered()
    {
        _registry.Register(new AgentRegistration(99, 4, AgentKind.Pem, "host-y", "10.9.9.8", "10.9.9.8:50500", [], 1, true));
        var service = Service();

        await service.BeatAsync(CancellationToken.None);
        await service.BeatAsync(CancellationToken.None);

        service.Registrations.Should().Be(0);
        _logs.Messages(LogLevel.Error).Should().ContainSingle().Which.Should().Contain("refused pem 4").And.Contain("Hosting:AgentShortId");
        _registry.ListAgents().Select(a => a.Registration.Hostname).Should().Equal("host-y");
    }

    [Test]
    public async Task BeatAsync_Unknown_ReRegistersAndLogsWhy()
    {
        var registry = new ForgettingRegistry();
        var service = Service(registry: registry);
        await service.BeatAsync(CancellationToken.None);

        registry.Forget();
        await service.BeatAsync(CancellationToken.None);

        service.Registrations.Should().Be(2);
        registry.Agents.Should().ContainSingle().Which.AgentId.Should().Be(service.Agent.AgentId);
        _logs.Messages(LogLevel.Information).Should().Contain(m => m.StartsWith("metadata service at (in process) does not know pem 4 (host-x, 127.0.0.1:50500)", StringComparison.Ordinal));
    }

    [Test]
    public async Task BeatAsync_RegistryDownForManyBeats_OneWarningThenOneRecoveryLine()
    {
        var service = Service();
        await service.BeatAsync(CancellationToken.None);
        _flaky.Down = true;

        for (var i = 0; i < 5; i++)
        {
            await service.BeatAsync(CancellationToken.None);
        }

        service.MetadataReachable.Should().BeFalse();
        _flaky.Down = false;
        await service.BeatAsync(CancellationToken.None);
        await service.BeatAsync(CancellationToken.None);

        service.MetadataReachable.Should().BeTrue();
        _logs.Messages(LogLevel.Warning).Should().Equal("metadata service at (in process) unreachable: Connection refused (127.0.0.1:50400); retrying every 2 s");
        _logs.Messages(LogLevel.Information).Count(m => m.Contains("reachable again", StringComparison.Ordinal)).Should().Be(1);
    }

    [Test]
    public async Task BeatAsync_RegistryDownAtStart_RegistersOnceItComesUp()
    {
        _flaky.Down = true;
        var service = Service();
        await service.BeatAsync(CancellationToken.None);
        await service.BeatAsync(CancellationToken.None);
        _registry.Count.Should().Be(0);

        _flaky.Down = false;
        await service.BeatAsync(CancellationToken.None);

        service.Registrations.Should().Be(1);
        _registry.Count.Should().Be(1);
    }

    [Test]
    public async Task BeatAsync_TableAdded_RegistersAgainWithTheNewList()
    {
        var store = new TableStore();
        store.GetOrAdd(PemSchemas.HttpEvents);
        var service = Service(store: store);
        await service.BeatAsync(CancellationToken.None);

        store.GetOrAdd(PemSchemas.ProcessStats);
        await service.BeatAsync(CancellationToken.None);

        service.Registrations.Should().Be(2);
        _registry.ListAgents().Single().Registration.Tables.Should().Equal("http_events", "process_stats");
    }

    [Test]
    public async Task BeatAsync_Kelvin_RegistersNoTablesEvenWithAStore()
    {
        var store = new TableStore();
        store.GetOrAdd(PemSchemas.HttpEvents);
        var service = Service(AgentKind.Kelvin, store);

        await service.BeatAsync(CancellationToken.None);

        var agent = _registry.ListAgents().Single();
        agent.Kind.Should().Be(AgentKind.Kelvin);
        agent.Registration.Tables.Should().BeEmpty();
    }

    /// <summary>A registry whose memory can be wiped, as a restarted metadata service's is.</summary>
    private sealed class ForgettingRegistry : IAgentRegistry
    {
        private AgentRegistry _inner = NewRegistry();

        public IReadOnlyList<AgentInfo> Agents => _inner.ListAgents();

        public void Forget() => _inner = NewRegistry();

        public Task RegisterAsync(AgentRegistration registration, CancellationToken cancellationToken = default) => _inner.RegisterAsync(registration, cancellationToken);

        public Task<HeartbeatOutcome> HeartbeatAsync(UInt128 agentId, CancellationToken cancellationToken = default) => _inner.HeartbeatAsync(agentId, cancellationToken);

        public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken = default) => _inner.ListAgentsAsync(cancellationToken);
    }
}
