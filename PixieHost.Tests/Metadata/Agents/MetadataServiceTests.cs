using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Tests.Support;
using Pb = PixieHost.Modules.Rpc.MetadataApi;

namespace PixieHost.Tests.Metadata.Agents;

[TestFixture]
public sealed class MetadataServiceTests
{
    private MetadataTestHost _host = null!;
    private RemoteAgentRegistry _remote = null!;

    [SetUp]
    public async Task SetUp()
    {
        _host = await MetadataTestHost.StartAsync(RpcTestHost.FreePort(), interval: "00:00:01");
        _remote = new RemoteAgentRegistry(_host.Address, TimeSpan.FromSeconds(5));
    }

    [TearDown]
    public async Task TearDown()
    {
        _remote.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Register_OverGrpc_ListsEveryFieldBack()
    {
        var id = (UInt128.MaxValue >> 3) - 12345;
        var registration = new AgentRegistration(id, 42, AgentKind.Kelvin, "node-b", "10.1.2.3", "10.1.2.3:50501", ["a", "b"], 987654321, true);

        await _remote.RegisterAsync(registration);
        var agents = await _remote.ListAgentsAsync();

        var agent = agents.Should().ContainSingle().Subject;
        agent.Registration.Should().BeEquivalentTo(registration);
        agent.Registration.Tables.Should().Equal("a", "b");
        agent.State.Should().Be(AgentState.Healthy);
        agent.LastHeartbeatNs.Should().BeGreaterThan(0);
        _host.Registry.ListAgents().Single().AgentId.Should().Be(id);
    }

    [Test]
    public async Task Heartbeat_OverGrpc_AcknowledgesKnownAndReportsUnknown()
    {
        await _remote.RegisterAsync(AgentRegistryTests.Pem(5));

        (await _remote.HeartbeatAsync(5)).Should().Be(HeartbeatOutcome.Acknowledged);
        (await _remote.HeartbeatAsync(6)).Should().Be(HeartbeatOutcome.Unknown);
    }

    [Test]
    public async Task ListAgents_SilentAgent_ComesBackUnresponsive()
    {
        await _remote.RegisterAsync(AgentRegistryTests.Pem(5));

        var agents = await Eventually.GetAsync(
            () => _remote.ListAgentsAsync(), a => a.Single().State == AgentState.Unresponsive, TimeSpan.FromSeconds(10), "no heartbeat for 3 s");

        agents.Single().AgentId.Should().Be((UInt128)5);
    }

    [Test]
    public async Task Register_ZeroAgentId_InvalidArgumentNamingTheField()
    {
        using var channel = new RpcChannel(new Uri($"http://{_host.Address}"));
        var request = new Pb.RegisterAgentRequest { Agent = AgentProto.ToProto(AgentRegistryTests.Pem(5)) };
        request.Agent.AgentId = null;

        var act = () => channel.UnaryAsync(MetadataServiceMethods.Register, request);

        (await act.Should().ThrowAsync<RpcException>()).Which.Should().Match<RpcException>(e => e.Status == StatusCode.InvalidArgument && e.Message.Contains("agent_id"));
    }

    [Test]
    public async Task RemoteRegistry_NothingListening_Unavailable()
    {
        using var remote = new RemoteAgentRegistry($"127.0.0.1:{RpcTestHost.FreePort()}", TimeSpan.FromSeconds(3));

        var act = () => remote.HeartbeatAsync(1);

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.Unavailable);
    }

    [Test]
    public void AddMetadataService_ListenerDescription_NamesTheAddress()
    {
        _host.App.Services.GetServices<IListenerDescription>().Select(l => l.Describe())
            .Should().Contain($"metadata (gRPC, agent registry): {_host.Address}");
    }

    [Test]
    public async Task UnknownMethod_OnMetadataPort_Unimplemented()
    {
        using var channel = new RpcChannel(new Uri($"http://{_host.Address}"));
        var method = new RpcMethod<Pb.ListAgentsRequest, Pb.ListAgentsResponse>(
            RpcMethodType.Unary, MetadataServiceMethods.ServiceName, "Unregister", Pb.ListAgentsRequest.Parser, Pb.ListAgentsResponse.Parser);

        var act = () => channel.UnaryAsync(method, new Pb.ListAgentsRequest());

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.Unimplemented);
    }
}
