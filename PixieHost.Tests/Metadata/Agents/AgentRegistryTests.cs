using FluentAssertions;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Metadata.Agents;

namespace PixieHost.Tests.Metadata.Agents;

[TestFixture]
public sealed class AgentRegistryTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly long StartNs = (Start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private ManualTime _time = null!;
    private AgentRegistry _registry = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new ManualTime(Start);
        _registry = new AgentRegistry(Options.Create(new MetadataServiceOptions { HeartbeatInterval = TimeSpan.FromSeconds(5) }), _time);
    }

    internal static AgentRegistration Pem(UInt128 id, uint asid = 1, params string[] tables) =>
        new(id, asid, AgentKind.Pem, $"host-{asid}", "10.0.0." + asid, $"10.0.0.{asid}:50500", tables, 1234, true);

    [Test]
    public void Register_NewAgent_ListedHealthyWithRegistrationTimes()
    {
        _registry.Register(Pem(7, 3, "http_events"));

        var agent = _registry.ListAgents().Should().ContainSingle().Subject;

        agent.Registration.Should().BeEquivalentTo(Pem(7, 3, "http_events"));
        agent.State.Should().Be(AgentState.Healthy);
        agent.RegisteredNs.Should().Be(StartNs);
        agent.LastHeartbeatNs.Should().Be(StartNs);
        agent.DisplayName.Should().Be("pem 3 (host-3, 10.0.0.3:50500)");
    }

    [Test]
    public void Register_SameIdAgain_ReplacesItKeepingTheRegistrationTime()
    {
        _registry.Register(Pem(7, 3, "http_events"));
        _time.Advance(TimeSpan.FromSeconds(2));

        _registry.Register(Pem(7, 3, "http_events", "process_stats"));

        var agent = _registry.ListAgents().Should().ContainSingle().Subject;
        agent.Registration.Tables.Should().Equal("http_events", "process_stats");
        agent.RegisteredNs.Should().Be(StartNs);
        agent.LastHeartbeatNs.Should().Be(StartNs + 2_000_000_000);
    }

    [Test]
    public void Register_SecondPemWithAHealthyPemsShortId_RefusedNamingTheSetting()
    {
        _registry.Register(Pem(7, 3));

        var act = () => _registry.Register(Pem(8, 3));

        act.Should().Throw<AgentRefusedException>().WithMessage("*short id 3 is already used by pem 3*Hosting:AgentShortId*");
        _registry.ListAgents().Select(a => a.AgentId).Should().Equal((UInt128)7);
    }

    [Test]
    public void Register_RestartedPemAfterItsPredecessorWentSilent_ReplacesIt()
    {
        _registry.Register(Pem(7, 3));
        _time.Advance(TimeSpan.FromSeconds(16));

        _registry.Register(Pem(8, 3));

        _registry.ListAgents().Select(a => a.AgentId).Should().Equal((UInt128)8);
    }

    [Test]
    public void Register_KelvinSharingAPemsShortId_Accepted()
    {
        _registry.Register(Pem(7, 3));

        _registry.Register(Pem(8, 3) with { Kind = AgentKind.Kelvin });

        _registry.ListAgents().Should().HaveCount(2);
    }

    [Test]
    public void Register_ZeroId_Throws()
    {
        var act = () => _registry.Register(Pem(0));

        act.Should().Throw<ArgumentException>().WithMessage("*non-zero id*");
    }

    [Test]
    public void Heartbeat_UnknownId_ReturnsUnknown()
    {
        _registry.Register(Pem(7));

        _registry.Heartbeat(8).Should().Be(HeartbeatOutcome.Unknown);
        _registry.Heartbeat(7).Should().Be(HeartbeatOutcome.Acknowledged);
    }

    [Test]
    public void Heartbeat_KnownId_MovesLastHeartbeat()
    {
        _registry.Register(Pem(7));
        _time.Advance(TimeSpan.FromSeconds(4));

        _registry.Heartbeat(7);

        _registry.ListAgents().Single().LastHeartbeatNs.Should().Be(StartNs + 4_000_000_000);
    }

    [Test]
    public void ListAgents_SilentLongerThanThreeIntervals_Unresponsive()
    {
        _registry.Register(Pem(7, 1));
        _registry.Register(Pem(8, 2));
        _time.Advance(TimeSpan.FromSeconds(15));
        _registry.Heartbeat(8);
        _registry.ListAgents().Should().OnlyContain(a => a.State == AgentState.Healthy, "15 s is exactly the threshold, not past it");

        _time.Advance(TimeSpan.FromMilliseconds(1));

        var agents = _registry.ListAgents();
        agents.Single(a => a.AgentId == 7).State.Should().Be(AgentState.Unresponsive);
        agents.Single(a => a.AgentId == 8).State.Should().Be(AgentState.Healthy);
    }

    [Test]
    public void Heartbeat_UnresponsiveAgent_HealthyAgain()
    {
        _registry.Register(Pem(7));
        _time.Advance(TimeSpan.FromSeconds(20));
        _registry.ListAgents().Single().State.Should().Be(AgentState.Unresponsive);

        _registry.Heartbeat(7).Should().Be(HeartbeatOutcome.Acknowledged);

        _registry.ListAgents().Single().State.Should().Be(AgentState.Healthy);
    }

    [Test]
    public void Sweep_SilentLongerThanExpireAfter_RemovesAndNextHeartbeatIsUnknown()
    {
        _registry.Register(Pem(7));
        _registry.Register(Pem(8, 2));
        _time.Advance(TimeSpan.FromSeconds(50));
        _registry.Heartbeat(8);
        _time.Advance(TimeSpan.FromSeconds(11));

        _registry.Sweep();

        _registry.Count.Should().Be(1);
        _registry.ListAgents().Select(a => a.AgentId).Should().Equal((UInt128)8);
        _registry.Heartbeat(7).Should().Be(HeartbeatOutcome.Unknown);
    }

    [Test]
    public void ListAgents_PemsAndKelvins_OrderedByKindThenAsid()
    {
        _registry.Register(Pem(1, 5));
        _registry.Register(Pem(2, 2) with { Kind = AgentKind.Kelvin });
        _registry.Register(Pem(3, 4));

        _registry.ListAgents().Select(a => (a.Kind, a.Registration.Asid)).Should().Equal(
            (AgentKind.Pem, 4u), (AgentKind.Pem, 5u), (AgentKind.Kelvin, 2u));
    }

    [Test]
    public async Task Registry_ConcurrentRegisterAndHeartbeat_KeepsEveryAgent()
    {
        var ids = Enumerable.Range(1, 64).Select(i => (UInt128)i).ToList();

        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            await _registry.RegisterAsync(Pem(id, (uint)id));
            for (var i = 0; i < 200; i++)
            {
                (await _registry.HeartbeatAsync(id)).Should().Be(HeartbeatOutcome.Acknowledged);
                _ = await _registry.ListAgentsAsync();
            }
        })));

        _registry.ListAgents().Select(a => a.AgentId).Should().BeEquivalentTo(ids);
    }

    [Test]
    public void Options_Defaults_AreValidWithUnhealthyAtThreeIntervals()
    {
        var options = new MetadataServiceOptions();

        new MetadataServiceOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
        options.ListenAddress.Should().Be("127.0.0.1:50400");
        options.EffectiveUnhealthyAfter.Should().Be(TimeSpan.FromSeconds(15));
        options.ExpireAfter.Should().Be(TimeSpan.FromMinutes(1));
    }

    [Test]
    public void Options_BadValues_EachFailureNamesItsSetting()
    {
        var options = new MetadataServiceOptions
        {
            ListenAddress = "metadata:50400",
            HeartbeatInterval = TimeSpan.FromMilliseconds(10),
            UnhealthyAfter = TimeSpan.FromMilliseconds(5),
            ExpireAfter = TimeSpan.FromMilliseconds(1),
        };

        var result = new MetadataServiceOptionsValidator().Validate(null, options);

        result.Failures.Should().HaveCount(4).And.Satisfy(
            f => f.StartsWith("MetadataService:ListenAddress", StringComparison.Ordinal),
            f => f.StartsWith("MetadataService:HeartbeatInterval", StringComparison.Ordinal),
            f => f.StartsWith("MetadataService:UnhealthyAfter", StringComparison.Ordinal),
            f => f.StartsWith("MetadataService:ExpireAfter", StringComparison.Ordinal));
    }
}
