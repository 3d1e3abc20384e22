using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Metadata.Agents;

/// <summary>
/// The registry wired into the real role table (<see cref="PixieHost.Program.Roles"/>) through <see cref="RoleHost"/>:
/// each role as its own application in this process, talking over loopback RPC.
/// </summary>
[TestFixture]
public sealed class RoleWiringTests
{
    private static WebApplication Build(int metadataPort, params string[] roles) => RoleHost.Build(
        new ServeSettings(roles, null,
        [
            $"Hosting:StatusAddress=127.0.0.1:{RpcTestHost.FreePort()}",
            $"QueryBroker:Api:Address=127.0.0.1:{RpcTestHost.FreePort()}",
            $"MetadataService:ListenAddress=127.0.0.1:{metadataPort}",
            $"Agent:MetadataAddress=127.0.0.1:{metadataPort}",
            $"Agent:ListenAddress=127.0.0.1:{RpcTestHost.FreePort()}",
            "MetadataService:HeartbeatInterval=00:00:00.200",
            "Pem:EnableSocketTracer=false",
            "Hosting:AgentShortId=5",
        ]),
        PixieHost.Program.Roles,
        PixieHost.Program.Standalone);

    /// <summary>px.GetAgentStatus() through the broker; no rows while the kelvin that runs it has not registered yet.</summary>
    private static List<Dictionary<string, object?>> AgentStatus(WebApplication broker)
    {
        try
        {
            var result = broker.Services.GetRequiredService<IQueryExecutor>().ExecuteAsync(new QueryRequest("import px\npx.display(px.GetAgentStatus())\n")).GetAwaiter().GetResult();
            return ResultRows.Of(result.Tables.Single());
        }
        catch (Modules.Rpc.RpcException e) when (e.Status == Modules.Rpc.StatusCode.FailedPrecondition)
        {
            return [];
        }
    }

    [Test]
    public async Task SeparateRoles_PemKelvinBrokerAndMetadata_BrokerSeesBothAgents()
    {
        var port = RpcTestHost.FreePort();
        await using var metadata = Build(port, "metadata");
        await using var pem = Build(port, "pem");
        await using var kelvin = Build(port, "kelvin");
        await using var broker = Build(port, "query-broker");
        foreach (var app in new[] { metadata, pem, kelvin, broker })
        {
            await app.StartAsync();
        }

        var rows = await Eventually.GetAsync(() => Task.FromResult(AgentStatus(broker)), r => r.Count == 2, because: "pem and kelvin register");

        rows.Should().OnlyContain(r => (string)r["agent_state"]! == "AGENT_STATE_HEALTHY" && (long)r["asid"]! == 5);
        broker.Services.GetRequiredService<IAgentRegistry>().Should().BeOfType<RemoteAgentRegistry>();
        metadata.Services.GetRequiredService<AgentRegistry>().ListAgents().Select(a => a.Kind).Should().Equal(AgentKind.Pem, AgentKind.Kelvin);
        metadata.Services.GetRequiredService<AgentRegistry>().ListAgents()[0].Registration.Tables.Should().Contain("http_events");

        await pem.StopAsync();
        await Eventually.GetAsync(() => Task.FromResult(AgentStatus(broker)), r => r.Any(a => (string)a["agent_state"]! == "AGENT_STATE_UNRESPONSIVE"), because: "the stopped pem misses heartbeats");
        foreach (var app in new[] { broker, kelvin, metadata })
        {
            await app.StopAsync();
        }
    }

    [Test]
    public async Task PemRole_NoAgentShortId_TakesItsAdvertisedIpv4()
    {
        await using var pem = RoleHost.Build(
            new ServeSettings(["pem"], null,
            [
                $"Hosting:StatusAddress=127.0.0.1:{RpcTestHost.FreePort()}",
                $"Agent:ListenAddress=127.0.0.1:{RpcTestHost.FreePort()}",
                "Agent:AdvertiseAddress=10.1.2.3:50500",
                "Pem:EnableSocketTracer=false",
            ]),
            PixieHost.Program.Roles,
            PixieHost.Program.Standalone);

        pem.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostingOptions>>().Value.AgentShortId.Should().Be(0x0A010203u);
        pem.Services.GetRequiredService<LocalAgent>().Asid.Should().Be(0x0A010203u, "the registration and the UPIDs use the same id");
    }

    [Test]
    public async Task Standalone_NoRoles_OneAgentAndNoInternalListeners()
    {
        await using var app = Build(RpcTestHost.FreePort());
        await app.StartAsync();

        var rows = AgentStatus(app);

        rows.Should().ContainSingle().Which["asid"].Should().Be(5L);
        app.Services.GetService<IAgentRegistry>().Should().BeNull("standalone wires the pem and kelvin in process");
        app.Services.GetServices<IListenerDescription>().Select(l => l.Describe()).Should().ContainSingle(d => d.StartsWith("query API", StringComparison.Ordinal));
        await app.StopAsync();
    }
}
