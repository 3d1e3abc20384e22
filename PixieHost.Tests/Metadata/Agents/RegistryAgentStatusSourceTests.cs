using FluentAssertions;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Metadata.Agents;

[TestFixture]
public sealed class RegistryAgentStatusSourceTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static QueryExecutor Executor(RegistryAgentStatusSource source, ManualTime time) =>
        new(new Modules.TableStore.TableStore(), () => (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, agents: source);

    [Test]
    public void GetAgentStatus_InProcessRegistry_ListsAgentsWithStateAndHeartbeatAge()
    {
        var time = new ManualTime(Start);
        var registry = new AgentRegistry(Options.Create(new MetadataServiceOptions()), time);
        registry.Register(AgentRegistryTests.Pem(1, 1, "http_events"));
        registry.Register(AgentRegistryTests.Pem(2, 2) with { Kind = AgentKind.Kelvin, KernelHeadersInstalled = false });
        time.Advance(TimeSpan.FromSeconds(14));
        registry.Heartbeat(2);
        time.Advance(TimeSpan.FromSeconds(2));

        var result = Executor(new RegistryAgentStatusSource(registry), time).Execute(new QueryRequest("import px\npx.display(px.GetAgentStatus())\n"));

        var rows = ResultRows.Of(result.Tables.Single());
        rows.Should().HaveCount(2);
        rows[0]["agent_id"].Should().Be((UInt128)1);
        rows[0]["asid"].Should().Be(1L);
        rows[0]["hostname"].Should().Be("host-1");
        rows[0]["ip_address"].Should().Be("10.0.0.1");
        rows[0]["agent_state"].Should().Be("AGENT_STATE_UNRESPONSIVE");
        rows[0]["create_time"].Should().Be(1234L);
        rows[0]["last_heartbeat_ns"].Should().Be(16_000_000_000L);
        rows[0]["kernel_headers_installed"].Should().Be(true);
        rows[1]["agent_state"].Should().Be("AGENT_STATE_HEALTHY");
        rows[1]["last_heartbeat_ns"].Should().Be(2_000_000_000L);
        rows[1]["kernel_headers_installed"].Should().Be(false);
    }

    [Test]
    public async Task AgentStatusScript_RemoteRegistry_ListsTheRegisteredAgents()
    {
        await using var metadata = await MetadataTestHost.StartAsync(RpcTestHost.FreePort(), interval: "00:00:05");
        using var remote = new RemoteAgentRegistry(metadata.Address, TimeSpan.FromSeconds(5));
        await remote.RegisterAsync(AgentRegistryTests.Pem(10, 3));
        await remote.RegisterAsync(AgentRegistryTests.Pem(11, 4));
        var executor = new QueryExecutor(new Modules.TableStore.TableStore(), agents: new RegistryAgentStatusSource(remote));

        var result = await executor.ExecuteAsync(new QueryRequest(Modules.Pxl.Scripts.ScriptLibrary.Embedded.TryGet("px/agent_status", out var s) ? s.Pxl : "", QueryName: "px/agent_status"));

        var rows = ResultRows.Of(result.Tables.Single());
        rows.Select(r => r["asid"]).Should().Equal(3L, 4L);
        rows.Should().OnlyContain(r => (string)r["agent_state"]! == "AGENT_STATE_HEALTHY");
    }

    [Test]
    public async Task GetAgents_RegistryGoneAfterAnAnswer_ReturnsTheLastAnswer()
    {
        var metadata = await MetadataTestHost.StartAsync(RpcTestHost.FreePort(), interval: "00:00:05");
        using var remote = new RemoteAgentRegistry(metadata.Address, TimeSpan.FromSeconds(1));
        await remote.RegisterAsync(AgentRegistryTests.Pem(10, 3));
        var source = new RegistryAgentStatusSource(remote);
        source.GetAgents(0).Should().ContainSingle();

        await metadata.DisposeAsync();

        source.GetAgents(0).Should().ContainSingle().Which.Asid.Should().Be(3);
    }

    [Test]
    public void GetAgents_RegistryUnreachableFromTheStart_FailsNamingTheMetadataService()
    {
        using var remote = new RemoteAgentRegistry($"127.0.0.1:{RpcTestHost.FreePort()}", TimeSpan.FromSeconds(1));
        var source = new RegistryAgentStatusSource(remote);

        var act = () => source.GetAgents(0);

        act.Should().Throw<InvalidOperationException>().WithMessage("px.GetAgentStatus: the agent registry (metadata service at 127.0.0.1:*) did not answer: *");
    }
}
